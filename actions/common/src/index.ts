export { ActionsReporter } from './actions-reporter';
export { runAction } from './run-action';
export { optionalInput, requiredInput, booleanInput, listInput } from './inputs';
export { writeSummaryTable, escapeSummaryHtml } from './summary';
export { exportCredentialsInput } from './credentials-input';
export type { CredentialEnvNames } from './credentials-input';

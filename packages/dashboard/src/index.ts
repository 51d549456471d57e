export { renderDashboard, DASHBOARD_FILE, DASHBOARD_CONTENT_TYPE, DEFAULT_MAX_POINTS } from './render';
export type { DashboardInput, DashboardManifest, DashboardEntry } from './render';
export { DashboardErrorCode } from './errors';
export { escapeHtml } from './html';

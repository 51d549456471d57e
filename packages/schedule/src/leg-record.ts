/**
 * A leg's status record: one small JSON file that every build job writes as
 * its last step, whatever happened before (`if: always()`), and uploads under
 * the leg's name. It says which run attempt it belongs to, whether the leg
 * built, failed or was cancelled, at which step and why, which artifact holds
 * the build, and the machine it ran on. The collect job reads one per leg, so
 * a failed, timed-out or cancelled leg is known exactly, and a record left
 * over from an earlier attempt is never taken for the current one.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PLATFORMS, UserError, captureOutput, errorMessage, writeFileAtomic, type Exec, type Platform } from '@potions/core';
import { z } from 'zod';
import { ScheduleErrorCode } from './errors';

/** The step ids a build job gives its steps, in the order they run (`.github/workflows/release.yml`). */
export const LEG_STEP_IDS = {
  build: 'build',
  smokeTest: 'smoke-test',
  scan: 'sbom-scan',
  upload: 'upload',
} as const;

export type LegStatus = 'success' | 'failure' | 'cancelled';

/** What a step left in the `steps` context (`${{ toJSON(steps) }}`). */
export interface StepResult {
  outcome?: string;
  conclusion?: string;
  outputs?: Record<string, string>;
}

/** The machine a leg ran on. */
export interface LegEnvironment {
  /** `RUNNER_OS`, `RUNNER_ARCH`, `RUNNER_NAME`, and the hosted image (`ImageOS`, `ImageVersion`). */
  runner: { os?: string; arch?: string; name?: string; image?: string };
  /** The job's container image, pinned by digest (Linux legs). */
  container?: string;
  /** macOS legs: the system, the SDK and Xcode that built, and the deployment target they were given. */
  macos?: { productVersion?: string; sdk?: string; xcode?: string; deploymentTarget?: string };
}

export interface LegRecord {
  schemaVersion: 1;
  leg: string;
  recipe: string;
  /** The version built (the build's own output when it got that far, else the planned one). */
  version: string | null;
  platform: Platform;
  run: { id: string; attempt: number; url?: string };
  status: LegStatus;
  /** The id of the step that failed. */
  failedStep?: string;
  reason?: string;
  /** Where the build's files are: the Actions artifact uploaded in this attempt. */
  artifact?: { name: string; id: string; sha256?: string };
  environment: LegEnvironment;
}

const PlatformSchema = z.enum(PLATFORMS);

export const LegRecordSchema = z.strictObject({
  schemaVersion: z.literal(1),
  leg: z.string().min(1),
  recipe: z.string().min(1),
  version: z.string().min(1).nullable(),
  platform: PlatformSchema,
  run: z.strictObject({ id: z.string().min(1), attempt: z.number().int().min(1), url: z.string().optional() }),
  status: z.enum(['success', 'failure', 'cancelled']),
  failedStep: z.string().optional(),
  reason: z.string().optional(),
  artifact: z.strictObject({ name: z.string().min(1), id: z.string().min(1), sha256: z.string().optional() }).optional(),
  environment: z.strictObject({
    runner: z.strictObject({ os: z.string().optional(), arch: z.string().optional(), name: z.string().optional(), image: z.string().optional() }),
    container: z.string().optional(),
    macos: z
      .strictObject({ productVersion: z.string().optional(), sdk: z.string().optional(), xcode: z.string().optional(), deploymentTarget: z.string().optional() })
      .optional(),
  }),
});

/** The fields of the matrix (`${{ toJSON(matrix) }}`) a record needs; the rest is ignored. */
const LegOfMatrixSchema = z.looseObject({
  id: z.string().min(1),
  recipe: z.string().min(1),
  version: z.string().min(1).nullable().optional(),
  platform: PlatformSchema,
  container: z.string().optional(),
});
export type LegOfMatrix = z.infer<typeof LegOfMatrixSchema>;

const StepsSchema = z.record(
  z.string(),
  z.looseObject({ outcome: z.string().optional(), conclusion: z.string().optional(), outputs: z.record(z.string(), z.string()).optional() }),
);

function invalid(message: string, field: string, hint: string): UserError {
  return new UserError(ScheduleErrorCode.LegRecord, message, { location: { field }, hint });
}

function parseJsonValue<T>(text: string, schema: z.ZodType<T>, field: string, hint: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(`${field} is not JSON: ${errorMessage(err)}`, field, hint);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${field}: ${[field, ...(issue?.path.map(String) ?? [])].join('.')}: ${issue?.message ?? 'invalid'}`, field, hint);
  }
  return parsed.data;
}

/** The leg from `${{ toJSON(matrix) }}` of a build job. */
export function legFromMatrixJson(text: string): LegOfMatrix {
  return parseJsonValue(text, LegOfMatrixSchema, 'leg', 'pass ${{ toJSON(matrix) }} of a build job made from the plan job\'s matrices');
}

/** The steps context from `${{ toJSON(steps) }}`. */
export function stepsFromJson(text: string): Record<string, StepResult> {
  return parseJsonValue(text, StepsSchema, 'steps', 'pass ${{ toJSON(steps) }}');
}

/** The job status (`${{ job.status }}`). */
export function assertJobStatus(value: string): LegStatus {
  if (value === 'success' || value === 'failure' || value === 'cancelled') return value;
  throw invalid(`job status "${value}" is not success, failure or cancelled`, 'job-status', 'pass ${{ job.status }}');
}

export interface LegRecordInput {
  leg: LegOfMatrix;
  /** `${{ job.status }}` when the record step runs: the job's status so far. */
  jobStatus: LegStatus;
  /** `${{ toJSON(steps) }}`: every step with an id that ran before the record step. */
  steps: Readonly<Record<string, StepResult>>;
  run: { id: string; attempt: number; url?: string };
  /** The name the build's files were uploaded under. */
  artifactName: string;
  environment: LegEnvironment;
}

/** Why a step failed, from what it left in the steps context. */
function failureReason(id: string, step: StepResult): string {
  const out = step.outputs ?? {};
  switch (id) {
    case LEG_STEP_IDS.build:
      return out['failed-step']
        ? `build failed at the ${out['failed-step']} step`
        : 'the build step failed without saying where (it timed out after the recipe\'s timeout_minutes, or crashed)';
    case LEG_STEP_IDS.smokeTest:
      return out.ok === 'false'
        ? 'smoke test failed: the artifact does not work as a user would get it (see the smoke-test report in the job log)'
        : 'the smoke test step failed without a result (it timed out, or could not read the artifact)';
    case LEG_STEP_IDS.scan:
      return out['max-severity'] && out['max-severity'] !== 'none'
        ? `vulnerability scan failed: a ${out['max-severity']} finding that is not on the allow-list`
        : 'the SBOM and vulnerability scan step failed without a result';
    case LEG_STEP_IDS.upload:
      return 'the build\'s files could not be uploaded as an artifact';
    default:
      return `step ${id} failed`;
  }
}

/**
 * The record of one leg from what its job knows when the record step runs.
 * A leg succeeded only when the job has not failed and the upload step left
 * an artifact id; the first failed step (in the order the job runs them) is
 * the one named.
 */
export function legRecordFromSteps(input: LegRecordInput): LegRecord {
  const { leg, steps } = input;
  const build = steps[LEG_STEP_IDS.build];
  const upload = steps[LEG_STEP_IDS.upload];
  const known = Object.values(LEG_STEP_IDS) as string[];
  const order = [...known, ...Object.keys(steps).filter((id) => !known.includes(id))];
  const failed = order.find((id) => steps[id]?.outcome === 'failure');
  const artifactId = upload?.outcome === 'success' ? upload.outputs?.['artifact-id'] : undefined;
  const base = {
    schemaVersion: 1 as const,
    leg: leg.id,
    recipe: leg.recipe,
    version: build?.outputs?.version || leg.version || null,
    platform: leg.platform,
    run: input.run,
    environment: input.environment,
  };
  if (input.jobStatus === 'cancelled') {
    const reached = failed ?? order.filter((id) => steps[id]?.outcome === 'success').pop();
    return {
      ...base,
      status: 'cancelled',
      ...(failed ? { failedStep: failed } : {}),
      reason: `the leg was cancelled${reached ? ` after the ${reached} step` : ' before its build started'} (the run was cancelled, or the job reached its timeout-minutes)`,
    };
  }
  if (failed) return { ...base, status: 'failure', failedStep: failed, reason: failureReason(failed, steps[failed] as StepResult) };
  if (input.jobStatus === 'failure') {
    return { ...base, status: 'failure', reason: build ? 'a step without an id failed after the build' : 'the job failed before the build started (checkout or job set-up)' };
  }
  if (!build || build.outcome !== 'success' || !artifactId) {
    return { ...base, status: 'failure', reason: !build ? 'the build step did not run' : 'the build\'s files were not uploaded (no artifact id)' };
  }
  const sha256 = build.outputs?.sha256;
  return { ...base, status: 'success', artifact: { name: input.artifactName, id: artifactId, ...(sha256 ? { sha256 } : {}) } };
}

/** `<leg id>.json`: one record per leg, so records of many legs can share one folder. */
export function legRecordFileName(legId: string): string {
  return `${legId}.json`;
}

/** Write a record to `dir/<leg>.json` (atomically); returns the path. */
export async function writeLegRecord(dir: string, record: LegRecord): Promise<string> {
  const file = path.join(dir, legRecordFileName(record.leg));
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

export interface ReadLegRecords {
  records: LegRecord[];
  /** Files that are not a record of this version, with why (each names its leg by file name). */
  unreadable: { file: string; leg: string; message: string }[];
}

/** Every `*.json` record directly in `dir` (none when the folder does not exist: no leg reported). */
export async function readLegRecords(dir: string): Promise<ReadLegRecords> {
  let names: string[];
  try {
    names = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], unreadable: [] };
    throw new UserError(ScheduleErrorCode.LegRecord, `cannot read the folder of status records ${dir}: ${errorMessage(err)}`, { location: { file: dir } });
  }
  const out: ReadLegRecords = { records: [], unreadable: [] };
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    const leg = name.replace(/\.json$/, '');
    try {
      const parsed = LegRecordSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
      if (parsed.success) out.records.push(parsed.data);
      else out.unreadable.push({ file, leg, message: `not a status record: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim() });
    } catch (err) {
      out.unreadable.push({ file, leg, message: errorMessage(err) });
    }
  }
  return out;
}

export interface LegEnvironmentDeps {
  env: NodeJS.ProcessEnv;
  /** Runs `sw_vers`, `xcrun` and `xcodebuild` on macOS. */
  exec: Exec;
  /** `process.platform` of the runner. */
  hostOs: NodeJS.Platform;
  /** The job's container image (from the leg), if any. */
  container?: string;
  cwd?: string;
}

/** The machine this leg runs on: the runner, its image, its container, and on macOS the SDK, Xcode and deployment target. */
export async function describeLegEnvironment(deps: LegEnvironmentDeps): Promise<LegEnvironment> {
  const { env } = deps;
  const defined = (o: Record<string, string | undefined>): Record<string, string> =>
    Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  const image = env.ImageOS ? `${env.ImageOS}${env.ImageVersion ? ` ${env.ImageVersion}` : ''}` : undefined;
  const environment: LegEnvironment = { runner: defined({ os: env.RUNNER_OS, arch: env.RUNNER_ARCH, name: env.RUNNER_NAME, image }) };
  if (deps.container) environment.container = deps.container;
  if (deps.hostOs === 'darwin') {
    const childEnv = defined({ PATH: env.PATH, HOME: env.HOME, DEVELOPER_DIR: env.DEVELOPER_DIR });
    const cwd = deps.cwd ?? process.cwd();
    const run = async (argv: string[]): Promise<string | undefined> => (await captureOutput(deps.exec, argv, childEnv, cwd))?.trim() || undefined;
    const xcode = await run(['xcodebuild', '-version']);
    environment.macos = defined({
      productVersion: await run(['sw_vers', '-productVersion']),
      sdk: await run(['xcrun', '--show-sdk-version']),
      xcode: xcode?.split('\n').map((l) => l.trim()).join(', '),
      deploymentTarget: env.MACOSX_DEPLOYMENT_TARGET,
    });
  }
  return environment;
}

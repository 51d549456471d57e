/**
 * SLSA v1 build provenance as an in-toto statement, from plain values: the
 * build metadata the builder writes next to each artifact (`<artifact>.json`)
 * and a `BuildContext` that says who ran the build (a GitHub workflow run, or
 * a local run). Nothing here talks to GitHub.
 *
 * The shape follows `actions/attest-build-provenance` (statement
 * `https://in-toto.io/Statement/v1`, predicate `https://slsa.dev/provenance/v1`,
 * `externalParameters.workflow` = {ref, repository, path},
 * `internalParameters.github`, the checkout as a `git+` resolved dependency,
 * `runDetails.builder.id` = the job's workflow, `invocationId` = the run
 * attempt's URL), and adds what a Potions build knows: the recipe, the
 * upstream source, the dependency recipes and the toolchain.
 */
import { UserError, type ArtifactMetadata } from '@potions/core';
import { SigningErrorCode } from './errors';

export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_TYPE = 'https://slsa.dev/provenance/v1';
/** The build type of a Potions recipe build; docs/signing.md, "Build type recipe/v1", says what its parameters mean. */
export const RECIPE_BUILD_TYPE = 'https://github.com/potions/actions/blob/main/docs/signing.md#build-type-recipev1';
/** `builder.id` of a build run on someone's machine, outside any CI. */
export const LOCAL_BUILDER_ID = 'https://github.com/potions/actions/blob/main/docs/signing.md#local-builder';

export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, unknown>;
}

export interface InTotoSubject {
  name: string;
  digest: Record<string, string>;
}

export interface InTotoStatement {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: InTotoSubject[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

export interface SlsaProvenance {
  buildDefinition: {
    buildType: string;
    externalParameters: Record<string, unknown>;
    internalParameters?: Record<string, unknown>;
    resolvedDependencies?: ResourceDescriptor[];
  };
  runDetails: {
    builder: { id: string; version?: Record<string, string> };
    metadata?: { invocationId?: string; startedOn?: string; finishedOn?: string };
  };
}

/** Who ran the build, as plain values. */
export interface BuildContext {
  /** `runDetails.builder.id`: the workflow that ran the job (a reusable workflow's own path), or `LOCAL_BUILDER_ID`. */
  builderId: string;
  /** The run attempt's URL. */
  invocationId?: string;
  /** The workflow the run started from. */
  workflow?: { ref: string; repository: string; path: string };
  /** The workflow's inputs (workflow_dispatch). */
  inputs?: Record<string, unknown>;
  /** The repository checkout the recipes came from. */
  checkout?: { uri: string; gitCommit: string };
  /** `internalParameters.github`: event, repository ids, runner environment. */
  github?: Record<string, string>;
}


/** The build's artifacts as statement subjects (names and sha256 from the metadata). */
export function subjectsOfBuild(metadata: ArtifactMetadata): InTotoSubject[] {
  return [metadata.artifact.tarGz, metadata.artifact.tarZst].map((a) => ({ name: a.file, digest: { sha256: a.sha256 } }));
}

function sourceDependencies(m: ArtifactMetadata): ResourceDescriptor[] {
  const out: ResourceDescriptor[] = [];
  const s = m.source;
  if (s) {
    const annotations: Record<string, unknown> = {};
    if (s.mirror) annotations.mirror = s.mirror;
    if (s.pinned !== undefined) annotations.pinned = s.pinned;
    if (s.signature) annotations.signature = { url: s.signature.url, fingerprint: s.signature.fingerprint, ...(s.signature.signer ? { signer: s.signature.signer } : {}) };
    out.push({
      name: 'source',
      uri: s.git ? `git+${s.url}@${s.git.ref}` : s.url,
      ...(s.git ? { digest: { gitCommit: s.git.commit } } : s.sha256 ? { digest: { sha256: s.sha256 } } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    });
  }
  for (const d of m.dependencies ?? []) out.push({ name: `dependency:${d.name}`, uri: `pkg:generic/${encodeURIComponent(d.name)}@${encodeURIComponent(d.version)}`, digest: { sha256: d.sha256 } });
  // A tool has no digest here, only the version line it printed: a purl names it, the annotation says which.
  for (const [tool, version] of Object.entries(m.toolchain ?? {})) {
    out.push({ name: `toolchain:${tool}`, uri: `pkg:generic/${encodeURIComponent(tool)}`, annotations: { version } });
  }
  return out;
}

/** The SLSA v1 provenance statement of one build. */
export function provenanceStatement(metadata: ArtifactMetadata, context: BuildContext): InTotoStatement {
  const build: Record<string, unknown> = {};
  for (const key of ['method', 'status', 'fallbackReason', 'buildType', 'prefix', 'sourceDateEpoch', 'cacheKey'] as const) {
    if (metadata[key] !== undefined) build[key] = metadata[key];
  }
  const finishedOn = metadata.builtAt;
  const startedOn =
    finishedOn !== undefined && metadata.durationMs !== undefined ? new Date(Date.parse(finishedOn) - metadata.durationMs).toISOString() : undefined;
  const predicate: SlsaProvenance = {
    buildDefinition: {
      buildType: RECIPE_BUILD_TYPE,
      externalParameters: {
        ...(context.workflow ? { workflow: context.workflow } : {}),
        ...(context.inputs ? { inputs: context.inputs } : {}),
        recipe: {
          name: metadata.name,
          version: metadata.version,
          platform: metadata.platform,
          ...(metadata.recipe.file ? { file: metadata.recipe.file } : {}),
          canonicalSha256: metadata.recipe.digest,
        },
      },
      internalParameters: { ...(context.github ? { github: context.github } : {}), build },
      resolvedDependencies: [
        ...(context.checkout ? [{ uri: context.checkout.uri, digest: { gitCommit: context.checkout.gitCommit } }] : []),
        ...sourceDependencies(metadata),
      ],
    },
    runDetails: {
      builder: {
        id: context.builderId,
        ...(metadata.builder ? { version: { [metadata.builder.name]: metadata.builder.version, node: metadata.builder.node } } : {}),
      },
      metadata: {
        ...(context.invocationId ? { invocationId: context.invocationId } : {}),
        ...(startedOn && !Number.isNaN(Date.parse(startedOn)) ? { startedOn } : {}),
        ...(finishedOn ? { finishedOn } : {}),
      },
    },
  };
  return { _type: IN_TOTO_STATEMENT_TYPE, subject: subjectsOfBuild(metadata), predicateType: SLSA_PROVENANCE_TYPE, predicate: predicate as unknown as Record<string, unknown> };
}

/**
 * The context of a GitHub Actions job, from its environment (`GITHUB_*`), the
 * claims of its OIDC token when there is one (they name the reusable workflow
 * that runs the job, which the environment does not), and the event payload
 * (`GITHUB_EVENT_PATH`, for workflow_dispatch inputs).
 */
export function buildContextFromGitHub(options: { env: NodeJS.ProcessEnv; claims?: Record<string, unknown>; event?: unknown }): BuildContext {
  const { env, claims = {} } = options;
  const claim = (name: string): string | undefined => (typeof claims[name] === 'string' ? (claims[name] as string) : undefined);
  const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const repository = claim('repository') ?? env.GITHUB_REPOSITORY;
  const workflowRef = claim('workflow_ref') ?? env.GITHUB_WORKFLOW_REF;
  if (!repository || !workflowRef) {
    throw new UserError(SigningErrorCode.ProvenanceInput, 'not in a GitHub Actions job: GITHUB_REPOSITORY and GITHUB_WORKFLOW_REF are not set', {
      hint: 'outside GitHub, use the local build context',
    });
  }
  // owner/repo/.github/workflows/release.yml@refs/tags/v1 -> .github/workflows/release.yml, refs/tags/v1 (a ref may hold "@").
  const [workflowPath = '', ...refParts] = workflowRef.replace(`${repository}/`, '').split('@');
  const jobWorkflowRef = claim('job_workflow_ref') ?? workflowRef;
  const runId = claim('run_id') ?? env.GITHUB_RUN_ID;
  const attempt = claim('run_attempt') ?? env.GITHUB_RUN_ATTEMPT ?? '1';
  const ref = claim('ref') ?? env.GITHUB_REF;
  const sha = claim('sha') ?? env.GITHUB_SHA;
  const github: Record<string, string> = {};
  for (const [key, value] of [
    ['event_name', claim('event_name') ?? env.GITHUB_EVENT_NAME],
    ['repository_id', claim('repository_id') ?? env.GITHUB_REPOSITORY_ID],
    ['repository_owner_id', claim('repository_owner_id') ?? env.GITHUB_REPOSITORY_OWNER_ID],
    ['runner_environment', claim('runner_environment') ?? env.RUNNER_ENVIRONMENT],
  ] as const) {
    if (value) github[key] = value;
  }
  const inputs = (options.event as { inputs?: unknown } | undefined)?.inputs;
  return {
    builderId: `${server}/${jobWorkflowRef}`,
    ...(runId ? { invocationId: `${server}/${repository}/actions/runs/${runId}/attempts/${attempt}` } : {}),
    workflow: { ref: refParts.join('@'), repository: `${server}/${repository}`, path: workflowPath },
    ...(typeof inputs === 'object' && inputs !== null && !Array.isArray(inputs) ? { inputs: inputs as Record<string, unknown> } : {}),
    ...(ref && sha ? { checkout: { uri: `git+${server}/${repository}@${ref}`, gitCommit: sha } } : {}),
    ...(Object.keys(github).length > 0 ? { github } : {}),
  };
}

/** The context of a run on someone's machine: no workflow, no invocation. */
export function localBuildContext(): BuildContext {
  return { builderId: LOCAL_BUILDER_ID };
}

/** The provenance bundle's name for a build: `<name>-<version>-<platform>.provenance.sigstore.json`, beside its artifacts. */
export function provenanceBundleName(metadata: ArtifactMetadata): string {
  return `${metadata.artifact.tarGz.file.replace(/\.tar\.gz$/, '')}.provenance.sigstore.json`;
}

import type { SourceBuildSpec } from '../model';
import type { RawSourceBuild } from '../schema';
import { normalizeArtifact } from './artifact';
import { normalizeSteps } from './build';
import { normalizeDependencies } from './dependencies';
import type { IssueSink } from './issues';
import type { UrlTemplateChecker } from './url-templates';

/** `source_build`: the fallback build from source for an official binary, a whole build of its own. */
export function normalizeSourceBuild(
  sb: RawSourceBuild | undefined,
  ctx: { name: string; officialBinary: boolean; urls: UrlTemplateChecker },
  issues: IssueSink,
): SourceBuildSpec | undefined {
  if (!sb) return undefined;
  if (!ctx.officialBinary) {
    issues.warn('W_NO_EFFECT', 'source_build is the fallback for official binaries; this recipe already builds from source', ['source_build']);
  }
  const artifact = normalizeArtifact(
    sb,
    sb.security,
    { base: ['source_build'], securityBase: ['source_build', 'security'], perPlatform: false, downloadOptional: false },
    ctx.urls,
    issues,
  );
  const { configure, build } = normalizeSteps(sb, sb.build_type, ['source_build'], issues);
  return {
    ...artifact,
    buildType: sb.build_type,
    configure,
    build,
    dependencies: normalizeDependencies(sb.dependencies, ctx.name, ['source_build', 'dependencies'], issues),
    buildDependencies: normalizeDependencies(sb.build_dependencies, ctx.name, ['source_build', 'build_dependencies'], issues),
  };
}

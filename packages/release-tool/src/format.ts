/** Plans and results as text for a person (the terminal, a job summary) and as JSON. */
import type { CutPlan, CutResult } from './cut';
import type { PlanCheck } from './plan';
import type { RollbackPlan, RollbackResult } from './rollback';

const short = (sha: string): string => sha.slice(0, 12);

function checkLines(checks: readonly PlanCheck[]): string[] {
  const out = ['Checks:'];
  for (const c of checks) {
    out.push(`  ${c.ok ? 'ok     ' : 'REFUSED'}  ${c.message}`);
    if (!c.ok && c.hint) out.push(`           hint: ${c.hint}`);
  }
  return out;
}

export function formatCutPlan(plan: CutPlan): string {
  const lines = [
    `Plan: cut ${plan.tag} of ${plan.repository} from ${short(plan.from.commit)} (${plan.from.ref}); push to ${plan.remote}`,
    `  previous release: ${plan.previous ? `${plan.previous.tag} (cut from ${short(plan.previous.source)})` : 'none: this is the first'}`,
    ...checkLines(plan.checks),
    `Release commit, on top of ${plan.from.commit}:`,
    `  ${plan.changelog.file}: section ${plan.tag} (${plan.changelog.commits} commit${plan.changelog.commits === 1 ? '' : 's'}, ${plan.changelog.notesMoved} line${plan.changelog.notesMoved === 1 ? '' : 's'} of notes)`,
    ...plan.pins.map((p) => `  ${p.file}:${p.line}: ${p.uses} -> @${p.pinned.slice(p.pinned.lastIndexOf('@') + 1)} # ${plan.tag}`),
    'Tags:',
    `  ${plan.tag}: new annotated tag on the release commit`,
    `  ${plan.majorTag}: ${plan.majorBefore ? `moves from ${plan.majorBefore.release ?? short(plan.majorBefore.commit)} to ${plan.tag}` : `new, at ${plan.tag}`}`,
    `Push, all or nothing: git ${plan.push.join(' ')}`,
    ...plan.warnings.map((w) => `warning: ${w}`),
    '',
    plan.changelog.section
      .split('\n')
      .map((l) => `  | ${l}`.trimEnd())
      .join('\n'),
  ];
  return lines.join('\n');
}

export function formatCutResult(plan: CutPlan, result: CutResult): string {
  return [
    `Released ${plan.tag}: release commit ${result.releaseCommit} (pins ${plan.from.commit})`,
    ...result.tags.map((t) => `  ${t.name} -> ${t.object} (commit ${short(t.commit)})${t.before ? `, was ${short(t.before)}` : ''}`),
  ].join('\n');
}

export function formatRollbackPlan(plan: RollbackPlan): string {
  return [
    `Plan: move ${plan.majorTag} on ${plan.remote}${plan.target ? ` ${plan.direction} to ${plan.target.tag} (${short(plan.target.commit)})` : ''}`,
    `  now at: ${plan.current ? `${plan.current.release ?? 'no release tag'} (${short(plan.current.commit)})` : 'nothing'}`,
    `  reason: ${plan.reason}`,
    ...checkLines(plan.checks),
    ...(plan.push.length ? [`Push: git ${plan.push.join(' ')}`] : []),
  ].join('\n');
}

export function formatRollbackResult(plan: RollbackPlan, result: RollbackResult): string {
  return `Moved ${plan.majorTag} to ${plan.target?.tag} (tag object ${result.tag.object}, commit ${short(result.tag.commit)})`;
}

/** A cut plan as JSON: file contents left out (their size stays), everything else as planned. */
export function cutPlanJson(plan: CutPlan): unknown {
  return { ...plan, files: plan.files.map((f) => ({ path: f.path, mode: f.mode, bytes: Buffer.byteLength(f.content) })) };
}

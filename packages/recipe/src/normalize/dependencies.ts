import { quote } from '../quote';
import type { IssueSink, Path } from './issues';

/** A dependency list (`dependencies`, `source_build.build_dependencies`, ... at `path`): no self, no repeats. */
export function normalizeDependencies(list: string[] | null | undefined, self: string, path: Path, issues: IssueSink): string[] {
  const out: string[] = [];
  (list ?? []).forEach((d, i) => {
    if (d === self) issues.error('E_DEPENDENCY', `${quote(self)} depends on itself`, [...path, i]);
    else if (out.includes(d)) issues.warn('W_DUPLICATE', `${quote(d)} is listed twice`, [...path, i]);
    else out.push(d);
  });
  return out;
}

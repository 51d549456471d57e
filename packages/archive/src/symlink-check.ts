/**
 * Where a symbolic link really points, given every other link of the tree.
 *
 * A lexical check (`path.normalize`) is not enough: with `d/a -> ..`, the
 * target `d/a/..` looks like `d` but is the parent of the root. So the
 * target is walked one component at a time and every link met on the way is
 * replaced by its own target, as the kernel would. Any step above the root is
 * refused, even one that would come back down.
 */
export const MAX_LINK_HOPS = 40;

/** Undefined when `target` (of the link at `linkPath`) stays inside; otherwise why not. */
export function symlinkEscape(
  linkPath: string,
  target: string,
  linkTargetOf: (path: string) => string | undefined,
): string | undefined {
  if (target === '') return 'its target is empty';
  if (target.includes('\0')) return 'its target contains a NUL byte';
  if (target.startsWith('/')) return `its target ${JSON.stringify(target)} is an absolute path, outside the folder`;
  const stack = linkPath.split('/').slice(0, -1);
  const pending = target.split('/').reverse();
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.pop()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return `its target ${JSON.stringify(target)} resolves outside the folder`;
      stack.pop();
      continue;
    }
    stack.push(part);
    const through = linkTargetOf(stack.join('/'));
    if (through === undefined) continue;
    if (++hops > MAX_LINK_HOPS) return `its target ${JSON.stringify(target)} goes round a loop of symbolic links`;
    if (through.startsWith('/')) {
      return `its target ${JSON.stringify(target)} goes through ${stack.join('/')}, a link to an absolute path`;
    }
    stack.pop();
    pending.push(...through.split('/').reverse());
  }
  return undefined;
}

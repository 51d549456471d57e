/**
 * `strategy.matrix` expanded into its jobs as GitHub documents it
 * ("Running variations of jobs in a workflow"): the product of the vectors,
 * minus `exclude`, then each `include` entry added to every combination it
 * extends without overwriting an original value, or as a combination of its
 * own. GitHub refuses a matrix that makes no job, and one of more than 256.
 */
export type MatrixLeg = Record<string, unknown>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function expandMatrix(matrix: unknown): MatrixLeg[] {
  if (matrix === null || typeof matrix !== 'object' || Array.isArray(matrix)) {
    throw new Error(`strategy.matrix must be a mapping, got ${JSON.stringify(matrix)}`);
  }
  const { include = [], exclude = [], ...vectors } = matrix as Record<string, unknown>;
  if (!Array.isArray(include) || !Array.isArray(exclude)) throw new Error('strategy.matrix include and exclude must be lists');
  let legs: MatrixLeg[] = [{}];
  const keys = Object.keys(vectors);
  for (const key of keys) {
    const values = vectors[key];
    if (!Array.isArray(values) || values.length === 0) throw new Error(`strategy.matrix vector "${key}" must be a list with at least one value`);
    legs = legs.flatMap((leg) => values.map((v) => ({ ...leg, [key]: v })));
  }
  if (keys.length === 0) legs = [];
  legs = legs.filter((leg) => !(exclude as MatrixLeg[]).some((x) => Object.entries(x).every(([k, v]) => same(leg[k], v))));
  // An include entry extends the combinations of the vectors only, never one another include made.
  const originals = legs.map((l) => ({ ...l }));
  const combined = legs;
  const extra: MatrixLeg[] = [];
  for (const entry of include as MatrixLeg[]) {
    let added = false;
    combined.forEach((leg, i) => {
      const original = originals[i] as MatrixLeg;
      const overwrites = Object.entries(entry).some(([k, v]) => k in original && !same(original[k], v));
      if (!overwrites) {
        Object.assign(leg, entry);
        added = true;
      }
    });
    if (!added) extra.push({ ...entry });
  }
  legs = [...combined, ...extra];
  if (legs.length === 0) throw new Error('the matrix makes no job (GitHub: "Matrix vector does not contain any values")');
  if (legs.length > 256) throw new Error(`the matrix makes ${legs.length} jobs; GitHub allows 256`);
  return legs;
}

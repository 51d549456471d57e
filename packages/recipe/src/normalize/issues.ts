import type { RecipeIssueCode } from '../errors';

/** A field path inside a recipe, one segment per key or list index: `['source_build', 'dependencies', 1]`. */
export type Path = readonly (string | number)[];

/** Where the normalisers report problems; the loader adds file and line. */
export interface IssueSink {
  error(code: RecipeIssueCode, message: string, path: Path): void;
  warn(code: RecipeIssueCode, message: string, path: Path): void;
}

/** A sink that passes everything on and remembers whether an error went through it. */
export class CountingSink implements IssueSink {
  errors = 0;
  constructor(private readonly inner: IssueSink) {}
  error(code: RecipeIssueCode, message: string, path: Path): void {
    this.errors++;
    this.inner.error(code, message, path);
  }
  warn(code: RecipeIssueCode, message: string, path: Path): void {
    this.inner.warn(code, message, path);
  }
}

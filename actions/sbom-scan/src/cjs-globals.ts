/**
 * Imported first by index.ts. The bundle is an ES module, but
 * @cyclonedx/cyclonedx-library is CommonJS and finds its JSON schemas at
 * `__dirname/../res/schema`: give it the bundle's folder, so that it reads
 * the copies in actions/sbom-scan/res/schema (kept identical to the
 * library's by res-schema.test.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const globals = globalThis as { __filename?: string; __dirname?: string };
globals.__filename ??= fileURLToPath(import.meta.url);
globals.__dirname ??= path.dirname(globals.__filename);

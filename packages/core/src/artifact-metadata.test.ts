import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArtifactMetadataSchema, readArtifactMetadataFile } from './artifact-metadata';
import { sampleArtifactMetadata } from './testing';

const doc = (): Record<string, unknown> => ({ ...sampleArtifactMetadata(Buffer.from('gz'), Buffer.from('zst')) });
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('buildEnvironment: where the build steps ran', () => {
  test('optional: metadata written before it existed still reads', () => {
    expect(ArtifactMetadataSchema.safeParse(doc()).success).toBe(true);
  });

  test('each mode with its fields', () => {
    for (const buildEnvironment of [
      { mode: 'host', reason: 'the build sandbox is off' },
      { mode: 'host' },
      { mode: 'sandbox', tool: 'bubblewrap 0.8.0', network: false },
      { mode: 'container', engine: 'podman version 4.3.1', image: 'localhost/potions-build:bookworm', digest: DIGEST, network: false },
    ]) {
      const parsed = ArtifactMetadataSchema.parse({ ...doc(), buildEnvironment });
      expect(parsed.buildEnvironment).toEqual(buildEnvironment);
    }
  });

  test('a container without the image ID, an unknown mode, or a sandbox without its tool is refused, naming the field', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-core-meta-'));
    try {
      for (const [buildEnvironment, field] of [
        [{ mode: 'container', engine: 'podman', image: 'x', network: false }, 'buildEnvironment.digest'],
        [{ mode: 'container', engine: 'podman', image: 'x', digest: 'latest', network: false }, 'buildEnvironment.digest'],
        [{ mode: 'vm' }, 'buildEnvironment.mode'],
        [{ mode: 'sandbox', network: false }, 'buildEnvironment.tool'],
      ] as const) {
        const file = path.join(dir, 'x.tar.gz.json');
        await fs.writeFile(file, JSON.stringify({ ...doc(), buildEnvironment }));
        await expect(readArtifactMetadataFile(file)).rejects.toMatchObject({ code: 'E_CORE_ARTIFACT_METADATA', location: { field } });
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

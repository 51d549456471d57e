/** Input and output names of action.yml, in one place. */
export const Inputs = {
  Files: 'files',
  Provenance: 'provenance',
  Metadata: 'metadata',
  Mode: 'mode',
  Key: 'key',
  OutDir: 'out-dir',
  Sigstore: 'sigstore',
} as const;

export const Outputs = {
  Bundles: 'bundles',
  ProvenanceBundle: 'provenance-bundle',
  ProvenanceBundles: 'provenance-bundles',
} as const;

export const MODES = ['keyless', 'key'] as const;
export type Mode = (typeof MODES)[number];

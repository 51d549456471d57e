/** Input and output names of action.yml, in one place. */
export const Inputs = {
  Artifact: 'artifact',
  Recipe: 'recipe',
  Metadata: 'metadata',
  Format: 'format',
  SystemLibraries: 'system-libraries',
  OsvDir: 'osv-dir',
  Scanner: 'scanner',
  FailOn: 'fail-on',
  AllowList: 'allow-list',
  SarifFile: 'sarif-file',
} as const;

export const Outputs = {
  Sbom: 'sbom',
  Findings: 'findings',
  MaxSeverity: 'max-severity',
  Sarif: 'sarif',
} as const;

/** The SARIF file's name in the runner's temporary folder when `sarif-file` is not given. */
export const DEFAULT_SARIF_FILE = 'potions-scan.sarif';

/** One downloadable release of a scanner for one runner platform. */
export interface PinnedRelease {
  version: string;
  url: string;
  /** SHA-256 of the archive, from the release's published checksums file. */
  sha256: string;
  /** The program inside the .tar.gz. */
  program: string;
}

/** `<process.platform>-<process.arch>` of a runner. */
export type RunnerPlatform = 'linux-x64' | 'linux-arm64' | 'darwin-x64' | 'darwin-arm64';

/**
 * The scanner releases this action installs when the one asked for is not on
 * the PATH. The sha256 values are those of each release's checksums file
 * (grype_0.119.0_checksums.txt, trivy_0.74.0_checksums.txt); to move a pin,
 * take the new release's checksums file, never a digest of a download.
 * Trivy's macOS archives are not pinned here: on macOS runners install trivy
 * beforehand or use grype.
 */
export const PINNED_SCANNERS: Readonly<Record<'grype' | 'trivy', Partial<Record<RunnerPlatform, PinnedRelease>>>> = {
  grype: {
    'linux-x64': {
      version: '0.119.0',
      url: 'https://github.com/anchore/grype/releases/download/v0.119.0/grype_0.119.0_linux_amd64.tar.gz',
      sha256: '3fa2dc4b924621ab65404cf08d0b8438d896d80ab949c9d5a4ca283c36004c9b',
      program: 'grype',
    },
    'linux-arm64': {
      version: '0.119.0',
      url: 'https://github.com/anchore/grype/releases/download/v0.119.0/grype_0.119.0_linux_arm64.tar.gz',
      sha256: '29f0ec7c549ddb0e2b6a0ca714851f7399438afc399b80c12808e065edc9a8f8',
      program: 'grype',
    },
    'darwin-x64': {
      version: '0.119.0',
      url: 'https://github.com/anchore/grype/releases/download/v0.119.0/grype_0.119.0_darwin_amd64.tar.gz',
      sha256: 'ea106d3ab9573d654871ad9e3e89be2237506ff3f8c170e5aeacb59da4def2b8',
      program: 'grype',
    },
    'darwin-arm64': {
      version: '0.119.0',
      url: 'https://github.com/anchore/grype/releases/download/v0.119.0/grype_0.119.0_darwin_arm64.tar.gz',
      sha256: '500c9b2b6c089d21481815f57a553fabbd441ec7d1e79d95e3aaf40c3bfc7e36',
      program: 'grype',
    },
  },
  trivy: {
    'linux-x64': {
      version: '0.74.0',
      url: 'https://github.com/aquasecurity/trivy/releases/download/v0.74.0/trivy_0.74.0_Linux-64bit.tar.gz',
      sha256: '2ae6fe3ee734b7fdf11335663e18c75ea12dccc76062f09f164a3b0f8be4371a',
      program: 'trivy',
    },
    'linux-arm64': {
      version: '0.74.0',
      url: 'https://github.com/aquasecurity/trivy/releases/download/v0.74.0/trivy_0.74.0_Linux-ARM64.tar.gz',
      sha256: 'b94ce1976bbf3c15b514b605ee88be7c6d94a29be2302847ff01cb794d47aad5',
      program: 'trivy',
    },
  },
};

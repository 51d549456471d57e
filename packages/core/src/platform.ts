import { CoreErrorCode, UserError } from './errors';

/** The four platforms Potions ships, in the order they are listed everywhere. */
export const PLATFORMS = ['darwin-x86_64', 'darwin-arm64', 'linux-amd64', 'linux-arm64'] as const;
export type Platform = (typeof PLATFORMS)[number];

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);
}

/** `value` as a Platform, or a UserError; `where` (an edge's flag or input, `--platform`) goes into the message. */
export function assertPlatform(value: string, where?: string): Platform {
  if (!isPlatform(value)) {
    throw new UserError(CoreErrorCode.UnknownPlatform, `unknown platform "${value}"${where ? ` in ${where}` : ''}`, {
      hint: `use one of: ${PLATFORMS.join(', ')}`,
    });
  }
  return value;
}

/** The platform of this machine, or undefined where Potions builds nothing. */
export function hostPlatform(os: string = process.platform, arch: string = process.arch): Platform | undefined {
  if (os === 'linux' && arch === 'x64') return 'linux-amd64';
  if (os === 'linux' && arch === 'arm64') return 'linux-arm64';
  if (os === 'darwin' && arch === 'x64') return 'darwin-x86_64';
  if (os === 'darwin' && arch === 'arm64') return 'darwin-arm64';
  return undefined;
}

export function platformOs(p: Platform): 'darwin' | 'linux' {
  return p.startsWith('darwin') ? 'darwin' : 'linux';
}

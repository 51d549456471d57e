import { existsSync } from 'node:fs';
import { isolatedPath } from './environment';
import { SANDBOX_ETC_FILES, bubblewrapArgv } from './sandbox';

describe('the bubblewrap command line', () => {
  const argv = bubblewrapArgv('/usr/bin/bwrap', { writable: ['/tmp/w'], readOnly: ['/tmp/w/deps'], network: false }, { argv: ['make', '-j2'], cwd: '/tmp/w/src', env: { PATH: '/usr/bin', CFLAGS: '-O2 -g' } });
  const pairs = (flag: string): string[] => argv.flatMap((a, i) => (a === flag ? [argv[i + 1] as string] : []));

  test('every namespace, no network, no capabilities, a clean environment, dies with its parent', () => {
    expect(argv.slice(0, 10)).toEqual(['/usr/bin/bwrap', '--unshare-all', '--die-with-parent', '--new-session', '--clearenv', '--cap-drop', 'ALL', '--hostname', 'potions-build', argv[9]]);
    expect(argv).not.toContain('--share-net');
    expect(bubblewrapArgv('/usr/bin/bwrap', { writable: [], readOnly: [], network: true }, { argv: ['true'], cwd: '/', env: {} })).toContain('--share-net');
  });

  test('the system read-only, /etc only from the allow-list, fresh /proc, /dev and /tmp, the work folder bound, the step last', () => {
    expect(pairs('--bind')).toEqual(['/tmp/w']);
    expect(pairs('--ro-bind-try')).toEqual(['/tmp/w/deps']);
    const etc = pairs('--ro-bind').filter((p) => p.startsWith('/etc/'));
    expect(etc.length).toBeGreaterThan(0);
    for (const p of etc) expect(SANDBOX_ETC_FILES).toContain(p.slice('/etc/'.length));
    for (const secret of ['/etc/shadow', '/etc/ssh', '/etc/ssl', '/etc/npmrc', '/etc/gitconfig', '/root', '/home', '/opt']) expect(argv).not.toContain(secret);
    if (existsSync('/usr')) expect(pairs('--ro-bind')).toContain('/usr');
    expect(pairs('--proc')).toEqual(['/proc']);
    expect(pairs('--dev')).toEqual(['/dev']);
    expect(pairs('--tmpfs')).toEqual(['/tmp']);
    expect(argv.slice(-5)).toEqual(['--chdir', '/tmp/w/src', '--', 'make', '-j2']);
    expect(argv.join(' ')).toContain('--setenv PATH /usr/bin --setenv CFLAGS -O2 -g');
  });
});

test('PATH in the sandbox keeps only what exists in there; in a container, the image\'s', () => {
  expect(isolatedPath('sandbox', '/root/.cargo/bin:/usr/local/bin:/usr/bin:/opt/tool/bin:/bin:/home/me/go/bin:/usr/lib/ccache')).toBe('/usr/local/bin:/usr/bin:/bin:/usr/lib/ccache');
  expect(isolatedPath('sandbox', '/root/bin')).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  expect(isolatedPath('container', '/root/.cargo/bin:/usr/bin')).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
});

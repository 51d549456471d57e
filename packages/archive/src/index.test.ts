import * as api from './index';

test('the public surface is exactly this', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'DEFAULT_MAX_BYTES',
      'DEFAULT_MAX_ENTRIES',
      'PACK_FORMATS',
      'PREFIX_PLACEHOLDER',
      'ArchiveErrorCode',
      'detectFileFormat',
      'detectFromContent',
      'extractArchive',
      'formatFromName',
      'isExecutableContent',
      'isRelocatableText',
      'listArchive',
      'packDirectory',
      'relocateInstalled',
      'replacePrefixInTextFiles',
      'sourceRoot',
    ].sort(),
  );
  expect(api.PREFIX_PLACEHOLDER).toBe('@@POTIONS_PREFIX@@');
});

test('content decides the format', () => {
  expect(api.detectFromContent(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]))).toEqual({ kind: 'compressed', compression: 'xz' });
  expect(api.detectFromContent(Buffer.from('BZh91AY&SY'))).toEqual({ kind: 'compressed', compression: 'bzip2' });
  expect(api.detectFromContent(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).toEqual({ kind: 'compressed', compression: 'zstd' });
  expect(api.detectFromContent(Buffer.from('PK\x03\x04rest', 'latin1'))).toEqual({ kind: 'zip' });
  expect(api.detectFromContent(Buffer.from('BZh is not enough'))).toEqual({ kind: 'plain' });
  expect(api.formatFromName('x-1.0.TGZ')).toBe('tar.gz');
});

import { hasCode } from '@potions/core';
import { ReleaseErrorCode } from './errors';
import { pinWorkflow } from './pin-workflows';

const SHA = 'a'.repeat(40);
const opts = { repository: 'potions/actions', commit: SHA, version: '1.2.3' };

describe('pinWorkflow', () => {
  test('job and step uses: of this repository only, in every quoting, keeping the rest of the file', () => {
    const text = [
      'on: push',
      'jobs:',
      '  call:',
      '    uses: other/repo/.github/workflows/x.yml@v2',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - uses: potions/actions/sign@v1   # old comment',
      "      - uses: 'potions/actions/mirror-sync@main'",
      '      - uses: "POTIONS/ACTIONS@v1"',
      '      - { uses: potions/actions/sbom-scan@v1, with: { a: 1 } }',
      '      - uses: actions/checkout@v5',
      '      - run: |',
      '          uses: potions/actions/sign@v1',
      '      # uses: potions/actions/sign@v1',
      '',
    ].join('\r\n');
    const out = pinWorkflow('w.yml', text, opts);
    expect(out.pins.map((p) => [p.line, p.uses, p.path])).toEqual([
      [8, 'potions/actions/sign@v1', 'sign'],
      [9, 'potions/actions/mirror-sync@main', 'mirror-sync'],
      [10, 'POTIONS/ACTIONS@v1', ''],
      [11, 'potions/actions/sbom-scan@v1', 'sbom-scan'],
    ]);
    expect(out.text.split('\r\n')).toEqual([
      'on: push',
      'jobs:',
      '  call:',
      '    uses: other/repo/.github/workflows/x.yml@v2',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      `      - uses: potions/actions/sign@${SHA} # v1.2.3`,
      `      - uses: 'potions/actions/mirror-sync@${SHA}' # v1.2.3`,
      `      - uses: "POTIONS/ACTIONS@${SHA}" # v1.2.3`,
      `      - { uses: potions/actions/sbom-scan@${SHA}, with: { a: 1 } }`,
      '      - uses: actions/checkout@v5',
      '      - run: |',
      '          uses: potions/actions/sign@v1',
      '      # uses: potions/actions/sign@v1',
      '',
    ]);
  });

  test('a file without our actions is unchanged; broken YAML is refused with its line', () => {
    const plain = 'on: push\njobs:\n  a:\n    steps:\n      - run: echo\n';
    expect(pinWorkflow('w.yml', plain, opts)).toEqual({ file: 'w.yml', text: plain, pins: [] });
    let err: unknown;
    try {
      pinWorkflow('w.yml', 'jobs:\n  a:\n    steps: [\n', opts);
    } catch (e) {
      err = e;
    }
    expect(hasCode(err, ReleaseErrorCode.Workflow)).toBe(true);
    expect((err as { location?: { file?: string } }).location?.file).toBe('w.yml');
  });
});

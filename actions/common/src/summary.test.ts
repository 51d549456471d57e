import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { escapeSummaryHtml, writeSummaryTable } from './summary';

test('the job summary table escapes what it is given and closes empty cells; notes keep their Markdown', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-summary-'));
  const file = path.join(dir, 'summary.md');
  await fs.writeFile(file, '');
  const before = process.env.GITHUB_STEP_SUMMARY;
  process.env.GITHUB_STEP_SUMMARY = file;
  try {
    await writeSummaryTable('Release <b>x</b>', ['name', 'reason'], [['<img src=x onerror=alert(1)>', '']], ['**Policy met**: `a & b` <script>']);
    const text = await fs.readFile(file, 'utf8');
    expect(text).toContain('<h3>Release &lt;b&gt;x&lt;/b&gt;</h3>');
    expect(text).toContain('<tr><td>&lt;img src=x onerror=alert(1)&gt;</td><td></td></tr>');
    expect(text).toContain('**Policy met**: `a &amp; b` &lt;script&gt;');
    expect(text).not.toMatch(/<img|<script/);
  } finally {
    if (before === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    else process.env.GITHUB_STEP_SUMMARY = before;
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('escapeSummaryHtml leaves plain text alone', () => {
  expect(escapeSummaryHtml('jq 1.7.1 linux-amd64')).toBe('jq 1.7.1 linux-amd64');
  expect(escapeSummaryHtml(`"it's" <a>`)).toBe('&quot;it&#39;s&quot; &lt;a&gt;');
});

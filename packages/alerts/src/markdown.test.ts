import { issueTitle, linkTarget, markdownCodeBlock, markdownText } from './markdown';

describe('markdownText', () => {
  test.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert\\(1\\)&gt;'],
    ['ping @octocat and @org/team', 'ping @&#8203;octocat and @&#8203;org/team'],
    ['see #12 and GH-3', 'see #&#8203;12 and GH\\-3'],
    ['[click](javascript:alert(1))', '\\[click\\]\\(javascript\\:alert\\(1\\)\\)'],
    ['**bold** _it_ `code` ~~s~~ | pipe', '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\| pipe'],
    ['line one\nline two\r\n  three', 'line one line two three'],
    ['<!-- potions-alert: build/x/y -->', '&lt;\\!\\-\\-  potions\\-alert\\: build/x/y \\-\\-&gt;'.replace('  ', ' ')],
    ['\u001b[31mred\u001b[0m and \u202eevil', '\\[31mred\\[0m and evil'],
    ['a & b', 'a &amp; b'],
  ])('%j', (input, expected) => {
    expect(markdownText(input)).toBe(expected);
  });
});

describe('markdownCodeBlock', () => {
  test('a fence longer than any backtick run inside, so the text cannot close it', () => {
    const text = 'before\n```\n<script>alert(1)</script> @octocat\n````\nafter';
    const block = markdownCodeBlock(text);
    expect(block.startsWith('`````text\n')).toBe(true);
    expect(block.endsWith('\n`````')).toBe(true);
    expect(block.slice(10, -6)).toBe(text);
  });

  test('three backticks at least; control characters and trailing newlines dropped; CRLF normalised', () => {
    expect(markdownCodeBlock('x\u0007y\r\nz\n\n')).toBe('```text\nxy\nz\n```');
    expect(markdownCodeBlock('x', 'sh; rm')).toBe('```shrm\nx\n```');
  });
});

test('issueTitle: one line, at most 256 characters', () => {
  expect(issueTitle('  jq\nfails \t on arm64 ')).toBe('jq fails on arm64');
  const long = issueTitle('x'.repeat(300));
  expect(long).toHaveLength(256);
  expect(long.endsWith('…')).toBe(true);
});

test('linkTarget takes http(s) only and keeps parentheses from closing the link', () => {
  expect(linkTarget('javascript:alert(1)')).toBeUndefined();
  expect(linkTarget('not a url')).toBeUndefined();
  expect(linkTarget('https://github.com/o/r/actions/runs/1 (x)')).toBe('https://github.com/o/r/actions/runs/1%20%28x%29');
});

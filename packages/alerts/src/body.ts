/**
 * The issue body and comments alerting writes, and the hidden markers that
 * find an issue again: the body's first line is
 * `<!-- potions-alert: <key> -->`, followed by the digest of the failure's
 * details (to tell "still failing the same way" from "failing differently")
 * and when it started. Only these leading lines are read, so text further
 * down (an error message quoting a marker) can never be taken for one.
 */
import { createHash } from 'node:crypto';
import type { Alert } from './alert';
import { linkTarget, markdownCodeBlock } from './markdown';

export const ALERT_MARKER = 'potions-alert';
/** GitHub refuses bodies and comments longer than this. */
export const GITHUB_BODY_LIMIT = 65_536;

export interface AlertMarker {
  key: string;
  /** Digest of title, details and log when the body was written. */
  digest?: string;
  /** When the failure was first seen (ISO 8601). */
  since?: string;
}

const LINE = /^<!-- (potions-alert(?:-digest|-since)?): (\S+) -->$/;

/** The marker at the top of an issue body, or undefined when it has none. */
export function parseAlertMarker(body: string | null | undefined): AlertMarker | undefined {
  if (!body) return undefined;
  const lines = body.split(/\r?\n/);
  const first = LINE.exec(lines[0] ?? '');
  if (!first || first[1] !== ALERT_MARKER) return undefined;
  const marker: AlertMarker = { key: first[2]! };
  for (const line of lines.slice(1, 3)) {
    const m = LINE.exec(line);
    if (!m) break;
    if (m[1] === `${ALERT_MARKER}-digest`) marker.digest = m[2]!;
    if (m[1] === `${ALERT_MARKER}-since`) marker.since = m[2]!;
  }
  return marker;
}

/** What makes two failures "the same": title, details and log. The run and the time do not count. */
export function alertDigest(alert: Pick<Alert, 'title' | 'details' | 'log'>): string {
  return createHash('sha256')
    .update([alert.title, alert.details ?? '', alert.log ?? ''].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
}

export function renderIssueBody(alert: Alert, times: { since: string; now: string }): string {
  const head = [
    `<!-- ${ALERT_MARKER}: ${alert.key} -->`,
    `<!-- ${ALERT_MARKER}-digest: ${alertDigest(alert)} -->`,
    `<!-- ${ALERT_MARKER}-since: ${times.since} -->`,
    `**Failing** since ${times.since}; last seen ${times.now}${runLink(alert.runUrl)}.`,
  ].join('\n');
  const foot = `---\n<sub>Opened by Potions alerting for \`${alert.key}\`: updated while this fails, closed when it is green again. Keep the hidden first lines of this description.</sub>`;
  return compose(head, alert, foot);
}

export function renderChangeComment(alert: Alert, now: string): string {
  return compose(`The failure changed; seen ${now}${runLink(alert.runUrl)}.`, alert, '');
}

export function renderCloseComment(alert: Alert, now: string): string {
  return `Green again ${now}${runLink(alert.runUrl)}. Closing.`;
}

export function renderDuplicateComment(key: string, primary: number): string {
  return `Duplicate of #${primary}: the same alert (\`${key}\`) is tracked there. Closing.`;
}

function runLink(runUrl: string | undefined): string {
  const target = runUrl ? linkTarget(runUrl) : undefined;
  return target ? ` in [this run](${target})` : '';
}

/** Head, the caller's details, the log in a fenced block cut from the front to fit, and a footer. */
function compose(head: string, alert: Alert, foot: string): string {
  // A marker-looking comment in the details can do no harm (only the first lines are read), but it would confuse a reader.
  const details = (alert.details ?? '').replace(/<!--/g, '&lt;!--').trim();
  const parts = [head, details].filter(Boolean);
  const budget = GITHUB_BODY_LIMIT - 1024 - [...parts, foot].join('\n\n').length;
  if (alert.log?.trim()) {
    let log = alert.log.replace(/\s+$/, '');
    if (log.length > budget) {
      const cut = log.length - budget;
      log = `… (${cut} earlier characters cut)\n${log.slice(cut)}`;
    }
    parts.push(`<details open><summary>Log</summary>\n\n${markdownCodeBlock(log)}\n\n</details>`);
  }
  if (foot) parts.push(foot);
  return parts.join('\n\n');
}

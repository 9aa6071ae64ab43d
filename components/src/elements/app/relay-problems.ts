/**
 * The relay problems a device found (relay-integrity.ts), as the sync panel of `<p2p-app>` shows them: what
 * happened and what becomes of it in plain words, one sentence per kind of problem, and behind a disclosure the
 * technical detail of each, for whoever runs the team's relay.
 */
import { html } from 'lit';
import type { IntegrityReport, SnapshotRefusal } from '../../core/sync/relay-integrity.ts';
import { message, plural, type MessageKey } from '../shared/messages.ts';

/** The plain sentence for a report: one given up on reads as what was waited for. */
function plainKey(report: IntegrityReport): MessageKey {
  return report.problem === 'gave-up-waiting' ? `app.relayProblem.${report.wait.kind}` : `app.relayProblem.${report.problem}`;
}

/** The report in the relay's own terms: devices, batches and versions. */
export function relayProblemDetail(locale: string, report: IntegrityReport): string {
  const batches = (from: number, to: number) =>
    from === to ? message(locale, 'app.relayDetail.batch', { number: from }) : message(locale, 'app.relayDetail.batches', { from, to });
  switch (report.problem) {
    case 'missing-changes':
      return message(locale, 'app.relayDetail.missing-changes', { batches: batches(report.from, report.to), device: report.deviceId });
    case 'stale-head':
      return message(locale, 'app.relayDetail.stale-head', { latest: report.latestVersion, read: report.readVersion });
    case 'snapshot-refused':
      return message(locale, 'app.relayDetail.snapshot-refused', { version: report.version, reason: refusalText(locale, report.refusal, report.version) });
    case 'fork':
      return message(locale, 'app.relayDetail.fork', { sequence: report.sequence, device: report.deviceId });
    case 'gave-up-waiting': {
      const { wait } = report;
      if (wait.kind === 'missing') return message(locale, 'app.relayDetail.missing', { batches: batches(wait.from, wait.to), device: wait.deviceId });
      return message(locale, `app.relayDetail.${wait.kind}`, { change: wait.id, version: wait.version });
    }
    case 'refused-change':
      return message(locale, 'app.relayDetail.refused-change', {
        change: report.id,
        version: report.version,
        signer: report.signer,
        reason: message(locale, `app.relaySignature.${report.refusal}`),
      });
  }
}

function refusalText(locale: string, refusal: SnapshotRefusal, version: number): string {
  switch (refusal.reason) {
    case 'version-mismatch':
      return message(locale, 'app.relayRefusal.version-mismatch', { upTo: refusal.upToVersion, version });
    case 'empty':
      return message(locale, 'app.relayRefusal.empty', { versions: plural(locale, 'app.relayVersions', refusal.replaces) });
    case 'device-not-covered':
      return message(locale, 'app.relayRefusal.device-not-covered', { device: refusal.deviceId });
    default:
      return message(locale, `app.relayRefusal.${refusal.reason}`);
  }
}

/** The reports grouped under their plain sentence, in the order first met. */
function byPlainSentence(reports: readonly IntegrityReport[]): Map<MessageKey, IntegrityReport[]> {
  const groups = new Map<MessageKey, IntegrityReport[]>();
  for (const report of reports) groups.set(plainKey(report), [...(groups.get(plainKey(report)) ?? []), report]);
  return groups;
}

export function renderRelayProblems(locale: string, reports: readonly IntegrityReport[], dismiss: () => void) {
  return html`
    <section class="integrity" aria-label=${message(locale, 'app.relayProblems')}>
      <p>${message(locale, 'app.relayProblemsIntro')}</p>
      <ul>
        ${[...byPlainSentence(reports)].map(
          ([key, group]) => html`
            <li data-problem=${group[0]!.problem}>
              ${message(locale, key)}
              <details>
                <summary>${message(locale, 'app.relayProblemDetails')}</summary>
                <ul class="details">
                  ${group.map(
                    (report) =>
                      html`<li>${relayProblemDetail(locale, report)} ${message(locale, 'app.relayProblemSeen', { time: new Date(report.at).toLocaleString(locale) })}</li>`,
                  )}
                </ul>
              </details>
            </li>
          `,
        )}
      </ul>
      <button class="p2p-button" @click=${dismiss}>${message(locale, 'app.dismiss')}</button>
    </section>
  `;
}

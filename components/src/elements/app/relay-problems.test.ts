import { beforeAll, describe, expect, it } from 'vitest';
import { relayProblemDetail } from './relay-problems.ts';
import { loadMessages } from '../shared/messages.ts';

describe('the technical detail of a relay problem', () => {
  beforeAll(() => Promise.all([loadMessages('de'), loadMessages('ar')]));

  it('counts the versions an empty snapshot replaces in the right plural form', () => {
    const refused = (replaces: number) => ({ problem: 'snapshot-refused' as const, version: replaces, refusal: { reason: 'empty' as const, replaces }, at: 0 });
    expect(relayProblemDetail('en-GB', refused(1))).toBe('Refused the relay’s compacted history up to version 1: it is empty, yet it replaces 1 version of history.');
    expect(relayProblemDetail('en-GB', refused(12))).toBe('Refused the relay’s compacted history up to version 12: it is empty, yet it replaces 12 versions of history.');
  });

  it('names one batch or a range, and the device', () => {
    expect(relayProblemDetail('en-GB', { problem: 'missing-changes', deviceId: 'dev-a', from: 3, to: 3, at: 0 })).toBe(
      'The relay has not delivered change batch 3 from device dev-a: they may have been dropped.',
    );
    expect(relayProblemDetail('de-DE', { problem: 'gave-up-waiting', wait: { kind: 'missing', deviceId: 'dev-a', from: 3, to: 5, since: 0 }, at: 0 })).toBe(
      'Das Relay hat Änderungspakete 3 bis 5 von Gerät dev-a nie geliefert; das Warten darauf wurde aufgegeben.',
    );
  });

  it('says why a change signed by a device that may not write it was refused', () => {
    expect(
      relayProblemDetail('en-GB', { problem: 'refused-change', id: 'c1', version: 7, signer: 'dev-x', refusal: 'removed', at: 0 }),
    ).toBe('Relay change c1 (version 7), signed by device dev-x, was not applied: its signer was removed from the org.');
  });
});

/**
 * What a relay client knows about the relay's honesty, and what it reports when the relay cannot be trusted.
 *
 * The relay cannot forge or alter a blob (AES-GCM), but it can drop one, serve an old state, or swap in an old or
 * hollow compaction snapshot. Every batch names its device and its place in that device's sequence inside the seal
 * (relay-envelope.ts), so this device keeps, per device, the highest sequence it has applied: a jump is a gap
 * (a batch the relay dropped or has not served yet), a latest version below what it has already read is a head
 * that went backwards. A snapshot is applied only if it proves it covers what it replaces: served under the version
 * sealed in it, not empty, holding the state vector it claims, and covering every device sequence and every Yjs
 * clock this device has taken from the relay up to that version.
 *
 * Things the client waits on (a change's missing parts, a change it could not open, a gap) are given up after a
 * limit and reported, so that none of them holds back the read position or compaction forever.
 *
 * A report is a code and its data, not a sentence: the app words it for the person reading it, in their language,
 * with the technical detail apart.
 */
import * as Y from 'yjs';
import type { DeviceSequences, RelayBatch, RelaySnapshot } from './relay-envelope.ts';
import type { EnvelopeRefusal } from './relay-signatures.ts';

/** What the relay did wrong, with what a person (or whoever runs the relay) needs to know about it. */
export type IntegrityFinding =
  /** A device's sequence jumped: batches `from` to `to` of `deviceId` the relay has not served, maybe dropped. */
  | { problem: 'missing-changes'; deviceId: string; from: number; to: number }
  /** The relay's latest version is below what this device has already read: history rolled back or hidden. */
  | { problem: 'stale-head'; latestVersion: number; readVersion: number }
  /** A compaction snapshot served as `version` that does not cover what it replaces, or is empty; not applied. */
  | { problem: 'snapshot-refused'; version: number; refusal: SnapshotRefusal }
  /** A peer met over WebRTC has read batch `sequence` of `deviceId` from the relay, which this device is not served. */
  | { problem: 'fork'; deviceId: string; sequence: number }
  /** A change's parts, an unreadable change or a gap that never resolved, given up on. */
  | { problem: 'gave-up-waiting'; wait: Wait }
  /**
   * Change `id` (relay version `version`) opened, but was not applied: its signature names `signer`, who may not
   * write it (relay-signatures.ts): forged or altered by someone holding the relay key, or made by a removed device.
   */
  | { problem: 'refused-change'; id: string; version: number; signer: string; refusal: EnvelopeRefusal };

export type IntegrityProblem = IntegrityFinding['problem'];

/** A finding and when it was first seen (ms since the epoch). */
export type IntegrityReport = IntegrityFinding & { at: number };

/** Why a compaction snapshot was not applied. */
export type SnapshotRefusal =
  /** It was made to replace history up to `upToVersion`, but is served as another version. */
  | { reason: 'version-mismatch'; upToVersion: number }
  /** It holds nothing, yet replaces `replaces` versions of history. */
  | { reason: 'empty'; replaces: number }
  /** It does not hold the state vector it claims. */
  | { reason: 'state-not-held' }
  /** It lacks Yjs changes this device read from the relay before it. */
  | { reason: 'lacks-read-changes' }
  /** It does not cover the batches of `deviceId` this device has read. */
  | { reason: 'device-not-covered'; deviceId: string }
  /** What was served as a snapshot is a single batch. */
  | { reason: 'not-a-snapshot' };

/** Something the client is waiting on; it holds back the read position or compaction until resolved or expired. */
export type Wait =
  | { kind: 'incomplete'; id: string; version: number; since: number }
  | { kind: 'unreadable'; id: string; version: number; since: number }
  | { kind: 'missing'; deviceId: string; from: number; to: number; since: number };

/** A value and the relay version at which this device applied it. */
interface SeenAt {
  value: number;
  version: number;
}

/** The persisted form (structured-clone friendly). */
export interface IntegrityState {
  sequences: Map<string, SeenAt>;
  clocks: Map<number, SeenAt>;
  waits: Wait[];
  reports: IntegrityReport[];
  /** The version of the newest compaction snapshot this device has checked, applied or refused. */
  checkedSnapshot?: number;
}

/** Reports kept besides open gaps: the newest ones, so a relay that misbehaves for months cannot grow the state. */
const MAX_REPORTS = 20;

export class RelayIntegrity {
  private constructor(private readonly state: IntegrityState) {}

  static restore(saved: IntegrityState | undefined): RelayIntegrity {
    if (!saved) return new RelayIntegrity({ sequences: new Map(), clocks: new Map(), waits: [], reports: [] });
    // Reports saved as English sentences, before they carried their data, cannot be worded again: they are dropped.
    return new RelayIntegrity({ ...saved, reports: saved.reports.filter((report) => !('message' in report)) });
  }

  /** What to persist. */
  get saved(): IntegrityState {
    return this.state;
  }

  /** Open problems for the user: every gap still open, then the reports. */
  get reports(): IntegrityReport[] {
    const gaps = this.waitsOf('missing').map(({ deviceId, from, to, since }) => ({ problem: 'missing-changes' as const, deviceId, from, to, at: since }));
    return [...gaps, ...this.state.reports];
  }

  /** Each device's highest applied sequence, for a snapshot this device makes. */
  get sequences(): DeviceSequences {
    return new Map([...this.state.sequences].map(([deviceId, { value }]) => [deviceId, value]));
  }

  /**
   * The state vector this device can vouch the relay held by `upToVersion`: the clocks it read there (batches,
   * snapshots, its own acknowledged batches). A snapshot it makes claims this, not its whole document's, which may
   * hold changes met over WebRTC that the relay gets later.
   */
  vouchedStateVector(upToVersion: number): Uint8Array {
    const held = new Map<number, number>();
    for (const [client, { value, version }] of this.state.clocks) if (version <= upToVersion) held.set(client, value);
    return Y.encodeStateVector(held);
  }

  /** The relay version of the latest batch of `deviceId`'s sequence this device knows of; 0 if none. */
  latestBatchVersion(deviceId: string): number {
    return this.state.sequences.get(deviceId)?.version ?? 0;
  }

  get checkedSnapshot(): number {
    return this.state.checkedSnapshot ?? 0;
  }

  snapshotChecked(version: number): void {
    this.state.checkedSnapshot = Math.max(this.checkedSnapshot, version);
  }

  get hasGaps(): boolean {
    return this.waitsOf('missing').length > 0;
  }

  /**
   * Records a batch applied at `version` (this device's own, acknowledged, too). Returns true when it opened a gap,
   * which is worth re-reading the relay for.
   */
  recordBatch(batch: RelayBatch, version: number, now: number): boolean {
    this.recordClocks(batch.update, version);
    const seen = this.state.sequences.get(batch.deviceId);
    const highest = seen?.value ?? 0;
    if (batch.sequence <= highest) {
      this.fillGap(batch.deviceId, batch.sequence);
      return false;
    }
    this.state.sequences.set(batch.deviceId, { value: batch.sequence, version });
    if (batch.sequence === highest + 1) return false;
    this.state.waits.push({ kind: 'missing', deviceId: batch.deviceId, from: highest + 1, to: batch.sequence - 1, since: now });
    return true;
  }

  /** Why the snapshot served at `version` must not be applied, or null when it covers what it replaces. */
  refusalOf(snapshot: RelaySnapshot, version: number): SnapshotRefusal | null {
    if (snapshot.upToVersion !== version) return { reason: 'version-mismatch', upToVersion: snapshot.upToVersion };
    const holds = Y.parseUpdateMeta(snapshot.update).to;
    if (holds.size === 0) return { reason: 'empty', replaces: version };
    for (const [client, clock] of Y.decodeStateVector(snapshot.stateVector)) {
      if ((holds.get(client) ?? 0) < clock) return { reason: 'state-not-held' };
    }
    for (const [client, { value, version: at }] of this.state.clocks) {
      if (at <= version && (holds.get(client) ?? 0) < value) return { reason: 'lacks-read-changes' };
    }
    for (const [deviceId, { value, version: at }] of this.state.sequences) {
      if (at <= version && (snapshot.sequences.get(deviceId) ?? 0) < value) return { reason: 'device-not-covered', deviceId };
    }
    return null;
  }

  /**
   * Takes a trusted snapshot's word for what every device had sent by then; gaps it covers close. Its word is its
   * state vector, not its content: the content may hold more (changes its author met over WebRTC, which reach the
   * relay later in their own batches), and a later snapshot need not hold what the relay had not been sent by then.
   */
  recordSnapshot(snapshot: RelaySnapshot, version: number): void {
    this.recordClockMap(Y.decodeStateVector(snapshot.stateVector), version);
    for (const [deviceId, sequence] of snapshot.sequences) {
      const seen = this.state.sequences.get(deviceId);
      if (sequence > (seen?.value ?? 0)) this.state.sequences.set(deviceId, { value: sequence, version });
      this.state.waits = this.state.waits.filter((wait) => !(wait.kind === 'missing' && wait.deviceId === deviceId && wait.to <= sequence));
      for (const wait of this.waitsOf('missing')) if (wait.deviceId === deviceId) wait.from = Math.max(wait.from, sequence + 1);
    }
  }

  /** Forgets the reports the user has read; gaps still open stay, since they are the relay's state now. */
  dismissReports(): void {
    this.state.reports = [];
  }

  /** Records a finding; one already reported is moved to the end, keeping when it was first seen. */
  report(finding: IntegrityFinding, now: number): void {
    const key = JSON.stringify(finding);
    const earlier = this.state.reports.find(({ at: _, ...other }) => JSON.stringify(other) === key);
    this.state.reports = [...this.state.reports.filter((report) => report !== earlier), { ...finding, at: earlier?.at ?? now }].slice(-MAX_REPORTS);
  }

  wait(wait: Wait): void {
    if (wait.kind !== 'missing' && this.state.waits.some((other) => other.kind === wait.kind && other.id === wait.id)) return;
    this.state.waits.push(wait);
  }

  /** A change whose parts have all arrived, or that was given up on. */
  stopWaiting(kind: 'incomplete' | 'unreadable', id: string): void {
    this.state.waits = this.state.waits.filter((wait) => !(wait.kind === kind && wait.id === id));
  }

  waitsOf<Kind extends Wait['kind']>(kind: Kind): Extract<Wait, { kind: Kind }>[] {
    return this.state.waits.filter((wait): wait is Extract<Wait, { kind: Kind }> => wait.kind === kind);
  }

  /** Gives up on everything waited on since before `now - limitMs`, reporting each; returns what was given up. */
  expireWaits(now: number, limitMs: number): Wait[] {
    const expired = this.state.waits.filter((wait) => now - wait.since >= limitMs);
    if (expired.length === 0) return [];
    this.state.waits = this.state.waits.filter((wait) => !expired.includes(wait));
    for (const wait of expired) this.report({ problem: 'gave-up-waiting', wait }, now);
    return expired;
  }

  private recordClocks(update: Uint8Array, version: number): void {
    this.recordClockMap(Y.parseUpdateMeta(update).to, version);
  }

  private recordClockMap(clocks: Map<number, number>, version: number): void {
    for (const [client, clock] of clocks) {
      const seen = this.state.clocks.get(client);
      if (clock > (seen?.value ?? 0)) this.state.clocks.set(client, { value: clock, version });
    }
  }

  private fillGap(deviceId: string, sequence: number): void {
    const gap = this.waitsOf('missing').find((wait) => wait.deviceId === deviceId && wait.from <= sequence && sequence <= wait.to);
    if (!gap) return;
    this.state.waits = this.state.waits.filter((wait) => wait !== gap);
    if (gap.from < sequence) this.state.waits.push({ ...gap, to: sequence - 1 });
    if (sequence < gap.to) this.state.waits.push({ ...gap, from: sequence + 1 });
  }
}

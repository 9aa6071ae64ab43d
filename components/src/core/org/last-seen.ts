/**
 * When this device last saw each other device of an org, and which of them it is connected to right now: a peer
 * connection that proved its device identity (sync/peer-identity.ts), and a change signed by the device that the
 * relay served and this device accepted (sync/relay-signatures.ts).
 *
 * It stays on this device. In the shared document every sighting would be history kept forever, telling every
 * member (and every device added later) who was online when. It is kept in the org's own database (the app's
 * `LastSeenStorage`, beside the reminder state) so that it survives a reload, and written at most once every
 * SAVE_DELAY_MS however busy the peers are: a sighting after a quiet spell is written at once, those that follow it
 * within the interval together at its end. What was seen in that interval before the page closed is lost.
 */
import { ObservableV2 } from 'lib0/observable';
import type { OrgPersistence } from '../records/org-persistence.ts';

export type SeenVia = 'peer' | 'relay';

export interface LastSeenEntry {
  deviceId: string;
  /** ms since the epoch, on this device's clock. */
  at: number;
  via: SeenVia;
}

export interface LastSeenStorage {
  load(): Promise<LastSeenEntry[]>;
  save(entries: LastSeenEntry[]): Promise<void>;
}

export interface LastSeenEvents {
  /** A device came or went as a peer, or was seen for the first time or again while not connected. */
  change: () => void;
}

export interface LastSeenOptions {
  /** This device: it is never listed as seen by itself. */
  self: string;
  storage?: LastSeenStorage;
  /** The clock; tests pass their own. */
  now?: () => number;
}

/** Long enough that a chatty peer costs one write in this time; short enough that a closed page loses little. */
export const SAVE_DELAY_MS = 30_000;

const KEY_PREFIX = 'last-seen:';

export class LastSeen extends ObservableV2<LastSeenEvents> {
  readonly #self: string;
  readonly #storage: LastSeenStorage;
  readonly #now: () => number;
  readonly #entries = new Map<string, LastSeenEntry>();
  /** Open peer connections per device (two tabs of one device are two connections). */
  readonly #connections = new Map<string, number>();
  readonly #unsaved = new Set<string>();
  #saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the last write began, on `now`'s clock. */
  #savedAt = -Infinity;
  #saving: Promise<void> = Promise.resolve();

  private constructor(options: LastSeenOptions) {
    super();
    this.#self = options.self;
    this.#storage = options.storage ?? memoryLastSeenStorage();
    this.#now = options.now ?? Date.now;
  }

  static async open(options: LastSeenOptions): Promise<LastSeen> {
    const lastSeen = new LastSeen(options);
    for (const entry of await lastSeen.#storage.load()) lastSeen.#entries.set(entry.deviceId, entry);
    return lastSeen;
  }

  /** When and how this device last saw `deviceId`; undefined if it never has. */
  of(deviceId: string): LastSeenEntry | undefined {
    return this.#entries.get(deviceId);
  }

  /** Connected to it as a peer right now. */
  isOnline(deviceId: string): boolean {
    return (this.#connections.get(deviceId) ?? 0) > 0;
  }

  /** Something came from `deviceId` just now, over `via`. */
  seen(deviceId: string, via: SeenVia): void {
    if (deviceId === this.#self) return;
    const known = this.#entries.has(deviceId);
    this.#record(deviceId, via);
    // While it is connected the list says "online" whatever the time: only news worth a render is told.
    if (!known || !this.isOnline(deviceId)) this.emit('change', []);
  }

  /** A peer connection to `deviceId` proved its identity; returns what to call when that connection closes. */
  connected(deviceId: string): () => void {
    if (deviceId === this.#self) return () => undefined;
    const before = this.#connections.get(deviceId) ?? 0;
    this.#connections.set(deviceId, before + 1);
    this.#record(deviceId, 'peer');
    if (before === 0) this.emit('change', []);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      const left = this.#connections.get(deviceId)! - 1;
      if (left > 0) this.#connections.set(deviceId, left);
      else this.#connections.delete(deviceId);
      // The connection was alive until now: that is when the device was last seen.
      this.#record(deviceId, 'peer');
      if (left === 0) this.emit('change', []);
    };
  }

  /** Writes what is not saved yet, now. */
  flush(): Promise<void> {
    if (this.#saveTimer !== null) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    this.#savedAt = this.#now();
    const entries = [...this.#unsaved].map((deviceId) => this.#entries.get(deviceId)!);
    this.#unsaved.clear();
    if (entries.length === 0) return this.#saving;
    // After a failed write the next one is still made.
    this.#saving = this.#saving.catch(() => undefined).then(() => this.#storage.save(entries));
    return this.#saving;
  }

  /** Saves what is left and stops. */
  async close(): Promise<void> {
    await this.flush();
    this.destroy();
  }

  #record(deviceId: string, via: SeenVia): void {
    this.#entries.set(deviceId, { deviceId, at: this.#now(), via });
    this.#unsaved.add(deviceId);
    this.#scheduleSave();
  }

  #scheduleSave(): void {
    if (this.#saveTimer !== null) return;
    // A failed write loses sightings since the last one, which the next sighting replaces: nothing to report.
    const save = () => void this.flush().catch(() => undefined);
    const wait = this.#savedAt + SAVE_DELAY_MS - this.#now();
    if (wait <= 0) save();
    else this.#saveTimer = setTimeout(save, wait);
  }
}

/** In the org's own database, which leaving the org deletes with the rest of it; each entry as it is (structured clone). */
export function indexedDbLastSeenStorage(persistence: OrgPersistence): LastSeenStorage {
  return {
    load: async () => (await persistence.customValues(KEY_PREFIX)) as LastSeenEntry[],
    save: async (entries) => {
      for (const entry of entries) await persistence.setCustom(KEY_PREFIX + entry.deviceId, entry);
    },
  };
}

/** For an org without persistence (tests, embeds given a document): sightings last as long as the page. */
export function memoryLastSeenStorage(): LastSeenStorage {
  const kept = new Map<string, LastSeenEntry>();
  return {
    load: async () => [...kept.values()],
    save: async (entries) => entries.forEach((entry) => kept.set(entry.deviceId, entry)),
  };
}

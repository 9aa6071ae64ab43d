import type { EncryptedChange, StoredChange } from '#protocol';

/**
 * A ciphertext larger than the relay's per-change limit travels as several changes whose ids say which part of
 * how many they are: `<id>_p<index>of<count>`. The relay sees only more, smaller opaque changes.
 * Base ids are made by the relay client and never end in that pattern.
 *
 * Ids are each account's own at the relay, so another member (a squatter) can store junk under a part's id too, once
 * it has seen the batch's first parts and before the rest are pushed. The relay labels each change with its pushing
 * account's author tag, and parts join only with parts of the same author, so another account's junk never meets
 * the real parts. An account's own junk (or a relay that mislabels) can still come first, and the reader cannot
 * tell junk from the real part until the whole opens, so it keeps every candidate for each part and tries the joins,
 * first seen first.
 */
const PART_PATTERN = /^(.+)_p(\d+)of(\d+)$/;

/**
 * Most joins tried for one change's parts. Each try decrypts the whole change, and junk for several parts multiplies
 * the joins, so without a bound a squatter could make every reader decrypt without end. The real part follows its
 * batch's previous push within moments, so it normally meets a junk part or two; a squatter who gets more junk in
 * than this before it spoils that batch, which is then reported unreadable like any change that does not open.
 */
export const MAX_PART_COMBINATIONS = 16;

/**
 * Changes settled (read whole, or their joins spent or given up on) that are remembered, so that parts pushed under
 * them afterwards are ignored instead of starting a set that never completes. Split batches are rare (each is over
 * 256 KiB), so this covers a long stretch of history; a squatter's parts for one forgotten before are waited on
 * until the wait limit, as parts that never all arrive always were.
 */
const MAX_SETTLED_REMEMBERED = 1024;

export function splitIntoParts(id: string, encryptedData: string, maxBytes: number): EncryptedChange[] {
  if (encryptedData.length <= maxBytes) return [{ id, encryptedData }];
  const count = Math.ceil(encryptedData.length / maxBytes);
  return Array.from({ length: count }, (_, index) => ({
    id: `${id}_p${index}of${count}`,
    encryptedData: encryptedData.slice(index * maxBytes, (index + 1) * maxBytes),
  }));
}

/** What a change means for its join. */
export type PartArrival =
  /** A change that is not split (or whose part id no split makes, such as `_p0of1`): it stands as it is. */
  | { kind: 'whole'; change: StoredChange }
  /**
   * A part. `setId` names its set (author, base and count: parts of another author or claiming another count never
   * mix with it) while parts are `missing`; once none is, `wholes` are the joins this part makes newly possible,
   * first seen first.
   */
  | { kind: 'part'; baseId: string; setId: string; missing: boolean; wholes: Iterable<StoredChange> }
  /** A part of a change already settled, or one more candidate than could ever be tried. */
  | { kind: 'ignored' };

interface PartSet {
  baseId: string;
  count: number;
  /** The distinct candidates for each index that has any, first seen first. */
  candidates: Map<number, StoredChange[]>;
  tried: number;
}

/** The parts seen of changes not yet read whole, and the changes settled lately. */
export class PartJoiner {
  private readonly sets = new Map<string, PartSet>();
  private readonly settled = new Set<string>();

  add(change: StoredChange): PartArrival {
    const part = parsePart(change.id);
    if (!part) return { kind: 'whole', change };
    const { baseId, index, count } = part;
    // A relay that predates author tags labels none: its parts are all one author's.
    const setId = change.author === undefined ? `${baseId}_p*of${count}` : `${baseId}_p*of${count}@${change.author}`;
    if (this.settled.has(baseId) || this.settled.has(setId)) return { kind: 'ignored' };
    const set: PartSet = this.sets.get(setId) ?? { baseId, count, candidates: new Map(), tried: 0 };
    this.sets.set(setId, set);
    const candidates = set.candidates.get(index) ?? [];
    // The same stored change comes again when the relay is read again; a version is one stored change.
    if (candidates.length >= MAX_PART_COMBINATIONS || candidates.some((candidate) => candidate.version === change.version)) return { kind: 'ignored' };
    set.candidates.set(index, [...candidates, change]);
    const missing = set.candidates.size < count;
    return { kind: 'part', baseId, setId, missing, wholes: missing ? [] : this.joinsWith(setId, set, index, change) };
  }

  /** `baseId` opened: every set of it is dropped, and later parts of it ignored. Returns the ids of the sets dropped. */
  read(baseId: string): string[] {
    const dropped = [...this.sets].filter(([, set]) => set.baseId === baseId).map(([setId]) => setId);
    for (const setId of dropped) this.sets.delete(setId);
    this.settle(baseId);
    return dropped;
  }

  /** Gives up on a set (by its set id) or on every set of a change (by its base id); their later parts are ignored. */
  forget(id: string): void {
    for (const [setId, set] of this.sets) if (setId === id || set.baseId === id) this.sets.delete(setId);
    this.settle(id);
  }

  /** Every join that takes `part` at `index` and a candidate of each other index, until the set's tries are spent. */
  private *joinsWith(setId: string, set: PartSet, index: number, part: StoredChange): Generator<StoredChange> {
    const choices = Array.from({ length: set.count }, (_, i) => (i === index ? [part] : set.candidates.get(i)!));
    for (const parts of combinations(choices)) {
      if (set.tried === MAX_PART_COMBINATIONS) {
        this.forget(setId);
        return;
      }
      set.tried += 1;
      yield { id: set.baseId, version: Math.max(...parts.map((one) => one.version)), encryptedData: parts.map((one) => one.encryptedData).join('') };
    }
  }

  private settle(id: string): void {
    this.settled.delete(id);
    this.settled.add(id);
    if (this.settled.size > MAX_SETTLED_REMEMBERED) this.settled.delete(this.settled.values().next().value!);
  }
}

/** Every way to take one of each list's items, in order: the first items first, the last list varying fastest. */
function* combinations<T>(lists: T[][]): Generator<T[]> {
  const picks = lists.map(() => 0);
  while (true) {
    yield picks.map((pick, i) => lists[i]![pick]!);
    let i = lists.length - 1;
    while (i >= 0 && picks[i] === lists[i]!.length - 1) picks[i--] = 0;
    if (i < 0) return;
    picks[i]! += 1;
  }
}

/** A part id's base, index and count; null for an id no split makes (one part, an index past the count). */
function parsePart(id: string): { baseId: string; index: number; count: number } | null {
  const match = PART_PATTERN.exec(id);
  if (!match) return null;
  const [, baseId, indexText, countText] = match as unknown as [string, string, string, string];
  const index = Number(indexText);
  const count = Number(countText);
  return Number.isSafeInteger(count) && count >= 2 && index < count ? { baseId, index, count } : null;
}

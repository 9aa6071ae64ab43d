/**
 * Joining a change's parts when another account (a squatter) pushes junk under their ids. Only the whole the
 * writer sealed opens; here "opens" is that whole's exact text, as AES-GCM accepts nothing else.
 */
import { describe, expect, it } from 'vitest';
import type { StoredChange } from '#protocol';
import { MAX_PART_COMBINATIONS, PartJoiner, splitIntoParts } from '../src/core/sync/relay-parts.ts';

const SEALED = 'abcdefghij';

/** The sealed change in parts of four characters, stored from version `from` on: `X_p0of3`, `X_p1of3`, `X_p2of3`. */
function realParts(from = 1): StoredChange[] {
  return splitIntoParts('X', SEALED, 4).map((part, index) => ({ ...part, version: from + index }));
}

function junk(id: string, version: number): StoredChange {
  return { id, version, encryptedData: `junk${version}` };
}

/** Reads changes as the relay client does; returns what was applied and how many joins were tried. */
function read(changes: StoredChange[], joiner = new PartJoiner()) {
  const applied: StoredChange[] = [];
  let tried = 0;
  for (const change of changes) {
    const arrival = joiner.add(change);
    if (arrival.kind === 'whole') applied.push(change);
    if (arrival.kind !== 'part') continue;
    for (const whole of arrival.wholes) {
      tried += 1;
      if (whole.encryptedData !== SEALED) continue;
      joiner.read(arrival.baseId);
      applied.push(whole);
      break;
    }
  }
  return { applied, tried };
}

describe('joining parts', () => {
  it('gives back the whole change, under its own id and its last version, once every part has arrived', () => {
    expect(read(realParts(5)).applied).toEqual([{ id: 'X', version: 7, encryptedData: SEALED }]);
  });

  it('waits, naming the set, while a part is missing', () => {
    const joiner = new PartJoiner();
    expect(joiner.add(realParts()[0]!)).toMatchObject({ kind: 'part', baseId: 'X', setId: 'X_p*of3', missing: true });
  });

  it("joins the real part that comes after a squatter's junk part under the same id", () => {
    const [first, second, last] = realParts(1);
    const { applied, tried } = read([first!, second!, junk('X_p2of3', 3), { ...last!, version: 4 }]);
    expect(applied).toEqual([{ id: 'X', version: 4, encryptedData: SEALED }]);
    expect(tried).toBe(2);
  });

  it('tries the joins first seen first, with junk for several parts', () => {
    const [first, second, last] = realParts(1);
    const changes = [first!, junk('X_p1of3', 2), junk('X_p2of3', 3), { ...second!, version: 4 }, { ...last!, version: 5 }];
    const { applied, tried } = read(changes);
    expect(applied).toEqual([{ id: 'X', version: 5, encryptedData: SEALED }]);
    // (junk, junk), then with the real second part (real, junk), then with the real last part (junk, real), (real, real).
    expect(tried).toBe(4);
  });

  it('takes a part id that no split makes, such as one part of one, as a change of its own that leaves the real parts be', () => {
    const [first, second, last] = realParts(1);
    const squatted = junk('X_p0of1', 2);
    const { applied } = read([first!, squatted, { ...second!, version: 3 }, { ...last!, version: 4 }]);
    expect(applied).toEqual([squatted, { id: 'X', version: 4, encryptedData: SEALED }]);
  });

  it('keeps parts that claim another count apart from the real ones', () => {
    const [first, second, last] = realParts(1);
    const otherCount = [junk('X_p0of2', 2), junk('X_p1of2', 3)];
    const { applied, tried } = read([first!, ...otherCount, { ...second!, version: 4 }, { ...last!, version: 5 }]);
    expect(applied).toEqual([{ id: 'X', version: 5, encryptedData: SEALED }]);
    expect(tried).toBe(2);
  });

  it('ignores parts pushed under a change already read', () => {
    const joiner = new PartJoiner();
    read(realParts(1), joiner);
    expect(joiner.add(junk('X_p1of3', 4))).toEqual({ kind: 'ignored' });
    expect(joiner.add(junk('X_p0of2', 5))).toEqual({ kind: 'ignored' });
  });

  it('adds no join for a part delivered again, as when the relay is read again', () => {
    const [first, second] = realParts(1);
    const joiner = new PartJoiner();
    read([first!, second!, junk('X_p2of3', 3)], joiner);
    expect(joiner.add(second!)).toEqual({ kind: 'ignored' });
  });

  it(`tries at most ${MAX_PART_COMBINATIONS} joins for one change, then ignores its parts`, () => {
    const [first, second, last] = realParts(1);
    const flood = Array.from({ length: 5 }, (_, i) => [junk('X_p1of3', 2 + 2 * i), junk('X_p2of3', 3 + 2 * i)]).flat();
    const joiner = new PartJoiner();
    const { applied, tried } = read([first!, ...flood, { ...second!, version: 20 }, { ...last!, version: 21 }], joiner);
    expect(tried).toBe(MAX_PART_COMBINATIONS);
    expect(applied).toEqual([]);
    expect(joiner.add(junk('X_p1of3', 22))).toEqual({ kind: 'ignored' });
  });

  it("joins the victim's parts after 20 junk candidates per part from another account, and tries none of the junk with them", () => {
    const [first, second, last] = realParts(1).map((part) => ({ ...part, author: 'victim' }));
    const flood = Array.from({ length: 20 }, (_, i) => [junk('X_p1of3', 2 + 2 * i), junk('X_p2of3', 3 + 2 * i)])
      .flat()
      .map((part) => ({ ...part, author: 'squatter' }));
    const { applied, tried } = read([first!, ...flood, { ...second!, version: 50 }, { ...last!, version: 51 }]);
    expect(applied).toEqual([{ id: 'X', version: 51, encryptedData: SEALED }]);
    // The squatter's parts make no set of their own: it has no part 0.
    expect(tried).toBe(1);
  });

  it('keeps the sets of two authors apart, each with its own joins', () => {
    const joiner = new PartJoiner();
    const [first] = realParts(1);
    expect(joiner.add({ ...first!, author: 'victim' })).toMatchObject({ kind: 'part', setId: 'X_p*of3@victim', missing: true });
    expect(joiner.add({ ...junk('X_p0of3', 2), author: 'squatter' })).toMatchObject({ kind: 'part', setId: 'X_p*of3@squatter', missing: true });
  });

  it('ignores the parts of a change given up on', () => {
    const joiner = new PartJoiner();
    joiner.add(realParts()[0]!);
    joiner.forget('X_p*of3');
    expect(joiner.add(realParts()[1]!)).toEqual({ kind: 'ignored' });
  });
});

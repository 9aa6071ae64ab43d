/**
 * The inviter's guess limit, driven as a share-code holder with many connections would drive it: guesses arriving
 * together, a right one among or after them.
 */
import { describe, expect, it } from 'vitest';
import { GuessLimit } from '../src/core/sync/guess-limit.ts';

/** A check the test releases by hand, so that guesses overlap for as long as the test wants. */
function heldCheck(right: boolean) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { check: async () => (await released, right), release };
}

function newLimit() {
  const events = { refused: [] as number[], exhausted: 0, checks: 0, inFlight: 0, maxInFlight: 0 };
  let open = true;
  const limit = new GuessLimit({
    budget: 3,
    isOpen: () => open,
    onRefused: (left) => events.refused.push(left),
    onExhausted: () => {
      events.exhausted += 1;
      open = false;
    },
  });
  /** A check that records how many run at once. */
  const counted = (check: () => Promise<boolean>) => async () => {
    events.checks += 1;
    events.inFlight += 1;
    events.maxInFlight = Math.max(events.maxInFlight, events.inFlight);
    try {
      return await check();
    } finally {
      events.inFlight -= 1;
    }
  };
  return { limit, events, counted, close: () => (open = false) };
}

describe('the guess limit', () => {
  it('checks one of 12 simultaneous guesses, refuses the others unchecked, and closes after three', async () => {
    const { limit, events, counted } = newLimit();
    const first = heldCheck(false);
    const judged = [limit.judge(counted(first.check))];
    for (let i = 1; i < 12; i++) judged.push(limit.judge(counted(heldCheck(false).check)));
    first.release();
    expect(await Promise.all(judged)).toEqual(Array(12).fill(false));
    expect(events).toMatchObject({ checks: 1, maxInFlight: 1 });
    expect(limit.spent).toBe(3);
    expect(events.exhausted).toBeGreaterThan(0);
  });

  it('refuses the right guess after three wrong ones, without checking it', async () => {
    const { limit, events, counted } = newLimit();
    for (let i = 0; i < 3; i++) expect(await limit.judge(counted(async () => false))).toBe(false);
    expect(events.refused).toEqual([2, 1, 0]);
    expect(await limit.judge(counted(async () => true))).toBe(false);
    expect(events.checks).toBe(3);
  });

  it('refuses the right guess when it arrives while another is being checked', async () => {
    const { limit, events, counted } = newLimit();
    const first = heldCheck(false);
    const judgingFirst = limit.judge(counted(first.check));
    expect(await limit.judge(counted(async () => true))).toBe(false);
    first.release();
    expect(await judgingFirst).toBe(false);
    expect(events.checks).toBe(1);
  });

  it('accepts a right guess within the budget, and nothing after it', async () => {
    const { limit, counted } = newLimit();
    expect(await limit.judge(counted(async () => false))).toBe(false);
    expect(await limit.judge(counted(async () => true))).toBe(true);
    expect(await limit.judge(counted(async () => true))).toBe(false);
  });

  it('counts a check that throws (a malformed share) as a wrong guess', async () => {
    const { limit, events } = newLimit();
    expect(await limit.judge(() => Promise.reject(new Error('not a valid element')))).toBe(false);
    expect(events.refused).toEqual([2]);
  });

  it('refuses a right guess whose invite closed while it was being checked', async () => {
    const { limit, close } = newLimit();
    const held = heldCheck(true);
    const judging = limit.judge(held.check);
    close();
    held.release();
    expect(await judging).toBe(false);
  });

  it('checks nothing once the invite is closed', async () => {
    const { limit, events, counted, close } = newLimit();
    close();
    expect(await limit.judge(counted(async () => true))).toBe(false);
    expect(events.checks).toBe(0);
  });
});

/** Staying signed in: renewing a session's access token against the real Worker, on a clock the test controls. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Session } from '#protocol';
import { RelayApi, RelayApiError } from '../src/core/sync/relay-api.ts';
import { RENEW_BEFORE_EXPIRY_MS, RelaySession, renewingFetch } from '../src/core/sync/relay-session.ts';
import { useScratchWorker } from '../../scripts/scratch-worker-pool.ts';

const scratch = useScratchWorker();

async function newSession(): Promise<Session> {
  const { token, expiresAt, refreshToken, refreshExpiresAt } = await new RelayApi(scratch.url).createAccount(
    `session-${randomUUID()}@clinic.example`,
    'correct horse battery staple',
  );
  return { token, expiresAt, refreshToken, refreshExpiresAt };
}

/** A session on a clock the test sets, with the renewals and the end it reports, and an API that renews on a 401. */
function relaySession(session: Session) {
  const clock = { now: Date.now() };
  const renewed: Session[] = [];
  const ended: RelayApiError[] = [];
  let current: RelaySession | null = null;
  const api = new RelayApi(scratch.url, renewingFetch(() => current));
  current = new RelaySession({ api, session, now: () => clock.now, onRenewed: (s) => renewed.push(s), onEnded: (e) => ended.push(e) });
  return { session: current, api, clock, renewed, ended };
}

describe('a relay session', () => {
  it('keeps its token while it is fresh and renews it before it expires, with a rotated refresh token', async () => {
    const initial = await newSession();
    const { session, api, clock, renewed } = relaySession(initial);
    expect(await session.accessToken()).toBe(initial.token);
    expect(renewed).toHaveLength(0);

    clock.now = initial.expiresAt - RENEW_BEFORE_EXPIRY_MS;
    const token = await session.accessToken();
    expect(renewed).toHaveLength(1);
    expect(token).toBe(renewed[0]!.token);
    expect(renewed[0]!.refreshToken).not.toBe(initial.refreshToken);
    expect((await api.listWorkspaces(token)).workspaces).toEqual([]);

    // Hours later, the rotated refresh token renews again.
    clock.now = renewed[0]!.expiresAt;
    expect(await session.accessToken()).toBe(renewed[1]?.token);
    expect(renewed).toHaveLength(2);
  });

  it('renews once for every caller that asks at the same time', async () => {
    const initial = await newSession();
    const { session, clock, renewed } = relaySession(initial);
    clock.now = initial.expiresAt;
    const tokens = await Promise.all(Array.from({ length: 8 }, () => session.accessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(renewed).toHaveLength(1);
    expect(tokens[0]).toBe(renewed[0]!.token);
  });

  it('renews once when the Worker refuses a token before its time, and sends the request again', async () => {
    const initial = await newSession();
    // A token the Worker refuses though the client thinks it fresh (as with a clock behind the Worker's).
    const { session, api, renewed } = relaySession({ ...initial, token: initial.refreshToken });
    expect((await api.listWorkspaces(await session.accessToken())).workspaces).toEqual([]);
    expect(renewed).toHaveLength(1);
  });

  it('ends, and says so once, when the Worker refuses the renewal', async () => {
    const initial = await newSession();
    // An access token where the refresh token belongs: the refresh route refuses it as it does an expired one.
    const { session, clock, ended } = relaySession({ ...initial, refreshToken: initial.token });
    clock.now = initial.expiresAt;
    const refusal = await session.accessToken().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RelayApiError);
    expect((refusal as RelayApiError).code).toBe('UNAUTHORIZED');
    expect(session.ended).toBe(true);
    await expect(session.accessToken()).rejects.toBe(refusal);
    expect(ended).toEqual([refusal]);
  });

  it('stays signed in through a renewal that could not reach the Worker', async () => {
    const initial = await newSession();
    const ended: RelayApiError[] = [];
    const unreachable = new RelayApi('http://127.0.0.1:1');
    const session = new RelaySession({ api: unreachable, session: initial, now: () => initial.expiresAt, onRenewed: () => {}, onEnded: (e) => ended.push(e) });
    await expect(session.accessToken()).rejects.toMatchObject({ code: 'NETWORK' });
    expect(session.ended).toBe(false);
    expect(ended).toHaveLength(0);
  });
});

import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PULL_LIMIT,
  MAX_CHANGES_PER_PUSH,
  MAX_CHANGE_ID_LENGTH,
  MAX_EMAIL_LENGTH,
  MAX_SIGNAL_MESSAGE_BYTES,
  MAX_SIGNAL_TOPIC_LENGTH,
  MAX_SMALL_BODY_BYTES,
  MAX_SYNC_MESSAGE_BYTES,
  type ChangesPage,
  type PushResult,
} from '../src/protocol/index.ts';
import { call, expectError, fakeEncryptedChange, joinedSyncSocket, newAccount, newWorkspace, openSocket, openSyncSocket } from './api-client.ts';

/** Each documented limit, right at it and one past it; sizes counted in UTF-8 bytes with multi-byte text. */

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength;

/** `json` padded with JSON whitespace to exactly `bytes` UTF-8 bytes. */
function paddedTo(json: string, bytes: number): string {
  const padding = bytes - utf8Bytes(json);
  if (padding < 0) throw new Error(`${utf8Bytes(json)} bytes already, more than ${bytes}`);
  return json + ' '.repeat(padding);
}

/** A sync message of exactly `bytes` UTF-8 bytes, most of them two-byte `é` in a field the room ignores. */
function syncMessageOf(bytes: number, message: Record<string, unknown>): string {
  const bare = JSON.stringify({ ...message, padding: '' });
  const room = bytes - utf8Bytes(bare);
  const text = JSON.stringify({ ...message, padding: 'é'.repeat(Math.floor(room / 2)) + 'e'.repeat(room % 2) });
  expect(utf8Bytes(text)).toBe(bytes);
  return text;
}

describe('limits, at and past each', () => {
  it('takes a sync message of exactly 1 MiB of UTF-8 and closes the socket on one byte more, counting bytes, not characters', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSyncSocket(owner, workspace.id);
    socket.send(syncMessageOf(MAX_SYNC_MESSAGE_BYTES, { type: 'pull', sinceVersion: 0, seq: 3 }));
    expect(await socket.next('changes')).toMatchObject({ type: 'changes', changes: [] });
    const over = syncMessageOf(MAX_SYNC_MESSAGE_BYTES + 1, { type: 'pull', sinceVersion: 0, seq: 4 });
    // Fewer characters than the limit: a check of `length` would let it through.
    expect(over.length).toBeLessThan(MAX_SYNC_MESSAGE_BYTES);
    socket.send(over);
    expect(await socket.next('the refusal')).toMatchObject({ type: 'error', code: 'PAYLOAD_TOO_LARGE' });
    expect((await socket.closed()).code).toBe(1009);
  });

  it('closes a sync socket on 600 Ki characters of é (1.2 MB of UTF-8)', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSyncSocket(owner, workspace.id);
    socket.send(JSON.stringify({ type: 'pull', sinceVersion: 0, seq: 3, padding: 'é'.repeat(600 * 1024) }));
    expect(await socket.next('the refusal')).toMatchObject({ type: 'error', code: 'PAYLOAD_TOO_LARGE' });
    expect((await socket.closed()).code).toBe(1009);
  });

  it('forwards a signalling message of exactly 64 KiB of UTF-8 and closes the socket on one byte more', async () => {
    const roomId = `room-${crypto.randomUUID()}`;
    const [sender, receiver] = [await openSocket(`/signal/${roomId}`), await openSocket(`/signal/${roomId}`)];
    receiver.send({ type: 'subscribe', topics: ['t'] });
    sender.send({ type: 'subscribe', topics: ['t'] });
    // Both subscriptions in before the publish: a room orders nothing across sockets.
    await expect.poll(() => subscribedTopicLengths(roomId), { timeout: 10_000 }).toEqual([1, 1]);
    sender.send(syncMessageOf(MAX_SIGNAL_MESSAGE_BYTES, { type: 'publish', topic: 't', data: 'x' }));
    expect(await receiver.next('the 64 KiB publish')).toMatchObject({ type: 'publish', topic: 't', data: 'x' });
    sender.send(syncMessageOf(MAX_SIGNAL_MESSAGE_BYTES + 1, { type: 'publish', topic: 't', data: 'x' }));
    expect(await sender.next('the refusal')).toMatchObject({ type: 'error', code: 'PAYLOAD_TOO_LARGE' });
    expect((await sender.closed()).code).toBe(1009);
  });

  it('takes a small body of exactly 16 KiB of UTF-8 and refuses one byte more with 413', async () => {
    const account = await newAccount();
    const name = 'é'.repeat(400);
    const at = paddedTo(JSON.stringify({ name }), MAX_SMALL_BODY_BYTES);
    expect((await call('/api/workspaces', { token: account.token, body: at })).status).toBe(201);
    const over = paddedTo(JSON.stringify({ name }), MAX_SMALL_BODY_BYTES + 1);
    await expectError(await call('/api/workspaces', { token: account.token, body: over }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('takes a sync body of exactly 1 MiB and refuses one byte more with 413', async () => {
    const account = await newAccount();
    const workspace = await newWorkspace(account.token);
    const change = fakeEncryptedChange(1000);
    const at = paddedTo(JSON.stringify([change]), MAX_SYNC_MESSAGE_BYTES);
    expect((await call(`/sync/${workspace.id}/changes`, { token: account.token, body: at })).status).toBe(200);
    const over = paddedTo(JSON.stringify([fakeEncryptedChange(1000)]), MAX_SYNC_MESSAGE_BYTES + 1);
    await expectError(await call(`/sync/${workspace.id}/changes`, { token: account.token, body: over }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('takes 500 changes in one push and refuses 501', async () => {
    const account = await newAccount();
    const workspace = await newWorkspace(account.token);
    const push = (count: number) =>
      call(`/sync/${workspace.id}/changes`, { token: account.token, body: Array.from({ length: count }, () => fakeEncryptedChange(16)) });
    const accepted = await push(MAX_CHANGES_PER_PUSH);
    expect(((await accepted.json()) as PushResult).versions).toHaveLength(MAX_CHANGES_PER_PUSH);
    await expectError(await push(MAX_CHANGES_PER_PUSH + 1), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('takes a change id of 128 characters and refuses 129', async () => {
    const account = await newAccount();
    const workspace = await newWorkspace(account.token);
    const push = (id: string) => call(`/sync/${workspace.id}/changes`, { token: account.token, body: [{ id, encryptedData: 'AAAA' }] });
    expect((await push('a'.repeat(MAX_CHANGE_ID_LENGTH))).status).toBe(200);
    await expectError(await push('a'.repeat(MAX_CHANGE_ID_LENGTH + 1)), 400, 'INVALID_INPUT');
  });

  it('takes an email of 254 characters and refuses 255', async () => {
    const emailOf = (length: number) => {
      const domain = '@clinic.example';
      return `${crypto.randomUUID()}${'a'.repeat(length - 36 - domain.length)}${domain}`;
    };
    expect((await call('/api/accounts', { body: { email: emailOf(MAX_EMAIL_LENGTH), password: 'a long enough pw' } })).status).toBe(201);
    await expectError(await call('/api/accounts', { body: { email: emailOf(MAX_EMAIL_LENGTH + 1), password: 'a long enough pw' } }), 400, 'INVALID_INPUT');
  });

  it('takes a topic of 256 characters and refuses 257', async () => {
    const roomId = `room-${crypto.randomUUID()}`;
    const socket = await openSocket(`/signal/${roomId}`);
    socket.send({ type: 'subscribe', topics: ['t'.repeat(MAX_SIGNAL_TOPIC_LENGTH)] });
    await expect.poll(() => subscribedTopicLengths(roomId), { timeout: 10_000 }).toEqual([MAX_SIGNAL_TOPIC_LENGTH]);
    socket.send({ type: 'subscribe', topics: ['t'.repeat(MAX_SIGNAL_TOPIC_LENGTH + 1)] });
    expect(await socket.next('the refusal')).toMatchObject({ type: 'error', code: 'INVALID_INPUT' });
    expect((await socket.closed()).code).toBe(1008);
  });

  it('answers a pull without a limit with a page of 100', async () => {
    const account = await newAccount();
    const workspace = await newWorkspace(account.token);
    await call(`/sync/${workspace.id}/changes`, { token: account.token, body: Array.from({ length: DEFAULT_PULL_LIMIT + 1 }, () => fakeEncryptedChange(16)) });
    const page = (await (await call(`/sync/${workspace.id}/changes?since=0`, { token: account.token })).json()) as ChangesPage;
    expect(page.changes).toHaveLength(DEFAULT_PULL_LIMIT);
    expect(page.more).toBe(true);
  });
});

describe('what a non-member cannot do', () => {
  it('cannot push or compact over REST, and gets the answer a missing workspace gets', async () => {
    const [owner, stranger] = [await newAccount(), await newAccount()];
    const workspace = await newWorkspace(owner.token);
    await call(`/sync/${workspace.id}/changes`, { token: owner.token, body: [fakeEncryptedChange()] });
    const missing = crypto.randomUUID();
    for (const [path, body] of [
      ['changes', [fakeEncryptedChange()]],
      ['snapshot', { snapshot: fakeEncryptedChange(), upToVersion: 1 }],
    ] as const) {
      const refused = await expectError(await call(`/sync/${workspace.id}/${path}`, { token: stranger.token, body }), 404, 'NOT_FOUND');
      expect(await expectError(await call(`/sync/${missing}/${path}`, { token: stranger.token, body }), 404, 'NOT_FOUND')).toEqual(refused);
    }
    const page = (await (await call(`/sync/${workspace.id}/changes?since=0`, { token: owner.token })).json()) as ChangesPage;
    expect(page.latestVersion).toBe(1);
    expect(page.changes.some((change) => change.snapshot)).toBe(false);
  });

  it('is refused on its next message once its membership is gone while its socket is open', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSyncSocket(owner, workspace.id);
    await env.SYNC_ROOM.get(env.SYNC_ROOM.idFromName(workspace.id)).removeMember(owner.accountId);
    socket.request({ type: 'pull', sinceVersion: 0 });
    expect(await socket.next('the refusal')).toEqual({ type: 'error', code: 'NOT_FOUND', message: 'workspace not found' });
  });
});

describe('binary frames on the sync socket', () => {
  it('close a socket that has not joined', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await openSyncSocket(workspace.id);
    socket.ws.send(new Uint8Array([123, 125]));
    expect(await socket.next('the refusal')).toMatchObject({ type: 'error', code: 'INVALID_INPUT', message: 'messages must be JSON text' });
    expect((await socket.closed()).code).toBe(1008);
  });

  it('are refused on a joined socket, which stays open', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSyncSocket(owner, workspace.id);
    socket.ws.send(new TextEncoder().encode(JSON.stringify({ type: 'pull', sinceVersion: 0, seq: 3 })));
    expect(await socket.next('the refusal')).toMatchObject({ type: 'error', code: 'INVALID_INPUT', message: 'messages must be JSON text' });
    socket.request({ type: 'pull', sinceVersion: 0 });
    expect(await socket.next('changes')).toMatchObject({ type: 'changes' });
  });
});

function subscribedTopicLengths(roomId: string): Promise<number[]> {
  return runInDurableObject(env.SIGNAL_ROOM.get(env.SIGNAL_ROOM.idFromName(roomId)), (_, state) =>
    state.getWebSockets().flatMap((ws) => (ws.deserializeAttachment() as { topics: string[] }).topics.map((topic) => topic.length)),
  );
}

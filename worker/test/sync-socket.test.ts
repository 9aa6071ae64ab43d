import { describe, expect, it, vi } from 'vitest';
import { AUTHOR_PATTERN, MAX_SYNC_MESSAGES_AHEAD, MAX_SYNC_MESSAGE_BYTES, type ChangesPage, type LoginResponse } from '../src/protocol/index.ts';
import { TOKEN_LIFETIME_SECONDS } from '../src/tokens.ts';
import { call, fakeEncryptedChange, newAccount, newWorkspace, openSyncSocket, type TestAccount } from './api-client.ts';

async function joinedSocket(account: TestAccount, workspaceId: string) {
  const socket = await openSyncSocket(workspaceId);
  socket.request({ type: 'auth', token: account.token });
  socket.request({ type: 'join', workspaceId });
  expect(await socket.next()).toEqual({ type: 'auth-ok', accountId: account.accountId });
  expect(await socket.next()).toMatchObject({ type: 'joined', workspaceId });
  return socket;
}

describe('sync over WebSocket', () => {
  it('handles auth, join and push sent back to back, in order', async () => {
    const account = await newAccount();
    const workspace = await newWorkspace(account.token);
    const socket = await openSyncSocket(workspace.id);
    const change = fakeEncryptedChange();
    socket.request({ type: 'auth', token: account.token });
    socket.request({ type: 'join', workspaceId: workspace.id });
    socket.request({ type: 'push', changes: [change] });
    expect((await socket.next()).type).toBe('auth-ok');
    expect(await socket.next()).toEqual({ type: 'joined', workspaceId: workspace.id, latestVersion: 0 });
    expect(await socket.next()).toEqual({ type: 'ack', ids: [change.id], versions: [1] });
  });

  it('puts messages delivered out of order back in the order sent, by seq', async () => {
    const account = await newAccount();
    const workspace = await newWorkspace(account.token);
    const socket = await openSyncSocket(workspace.id);
    const change = fakeEncryptedChange();
    // What the runtime does to hibernatable sockets under load, done on purpose: the last message first.
    socket.send({ seq: 4, type: 'pull', sinceVersion: 0 });
    socket.send({ seq: 3, type: 'push', changes: [change] });
    socket.send({ seq: 2, type: 'join', workspaceId: workspace.id });
    socket.send({ seq: 1, type: 'auth', token: account.token });
    expect(await socket.next('auth-ok')).toEqual({ type: 'auth-ok', accountId: account.accountId });
    expect(await socket.next('joined')).toEqual({ type: 'joined', workspaceId: workspace.id, latestVersion: 0 });
    expect(await socket.next('ack')).toEqual({ type: 'ack', ids: [change.id], versions: [1] });
    expect(await socket.next('changes')).toEqual({ type: 'changes', changes: [{ ...change, version: 1, author: expect.stringMatching(AUTHOR_PATTERN) }], latestVersion: 1, more: false });
  });

  it('closes a socket that uses a seq twice', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSocket(owner, workspace.id);
    socket.send({ seq: 2, type: 'pull', sinceVersion: 0 });
    expect(await socket.next('the refusal')).toEqual({ type: 'error', code: 'INVALID_INPUT', message: 'seq 2 was already used' });
    expect((await socket.closed()).code).toBe(1008);
  });

  it('closes a socket whose messages run too far ahead of a missing one', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSocket(owner, workspace.id);
    socket.send({ seq: 3 + MAX_SYNC_MESSAGES_AHEAD, type: 'pull', sinceVersion: 0 });
    expect(await socket.next('the refusal')).toMatchObject({ type: 'error', code: 'INVALID_INPUT', message: expect.stringMatching(/^seq 3 is missing/) });
    expect((await socket.closed()).code).toBe(1008);
  });

  it('holds messages that arrive ahead of a missing one, up to the limit, and handles them once it comes', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSocket(owner, workspace.id);
    // seq 3 is missing: 4 … 3 + MAX_SYNC_MESSAGES_AHEAD - 1 wait for it.
    for (let seq = 4; seq < 3 + MAX_SYNC_MESSAGES_AHEAD; seq++) socket.send({ seq, type: 'pull', sinceVersion: 0 });
    const change = fakeEncryptedChange();
    socket.send({ seq: 3, type: 'push', changes: [change] });
    expect(await socket.next('ack')).toMatchObject({ type: 'ack', ids: [change.id] });
    for (let seq = 4; seq < 3 + MAX_SYNC_MESSAGES_AHEAD; seq++) {
      expect(await socket.next(`the answer to seq ${seq}`)).toMatchObject({ type: 'changes', latestVersion: 1 });
    }
  });

  it('closes a socket that has not joined when a message has no seq, and tells a joined one', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const fresh = await openSyncSocket(workspace.id);
    fresh.send({ type: 'auth', token: owner.token });
    expect(await fresh.next('the refusal')).toMatchObject({ type: 'error', code: 'INVALID_INPUT', message: 'seq is required' });
    expect((await fresh.closed()).code).toBe(1008);

    const joined = await joinedSocket(owner, workspace.id);
    joined.send({ type: 'pull', sinceVersion: 0 });
    expect(await joined.next('the refusal')).toMatchObject({ type: 'error', code: 'INVALID_INPUT', message: 'seq is required' });
    joined.request({ type: 'pull', sinceVersion: 0 });
    expect(await joined.next('changes')).toMatchObject({ type: 'changes', changes: [] });
  });

  it('delivers one member\'s changes to another member\'s socket, and not back to the sender', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const first = await joinedSocket(owner, workspace.id);
    const second = await joinedSocket(owner, workspace.id);
    const change = fakeEncryptedChange();
    first.request({ type: 'push', changes: [change] });
    expect(await first.next()).toEqual({ type: 'ack', ids: [change.id], versions: [1] });
    expect(await second.next()).toEqual({ type: 'changes', changes: [{ ...change, version: 1, author: expect.stringMatching(AUTHOR_PATTERN) }], latestVersion: 1, more: false });

    const reply = fakeEncryptedChange();
    second.request({ type: 'push', changes: [reply] });
    expect((await second.next()).type).toBe('ack');
    expect(await first.next()).toMatchObject({ type: 'changes', changes: [{ ...reply, version: 2 }] });
  });

  it('fans REST pushes out to joined sockets', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSocket(owner, workspace.id);
    const change = fakeEncryptedChange();
    await call(`/sync/${workspace.id}/changes`, { token: owner.token, body: [change] });
    expect(await socket.next()).toMatchObject({ type: 'changes', changes: [{ ...change, version: 1 }] });
  });

  it('answers a pull with a page of changes since a version', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSocket(owner, workspace.id);
    const changes = [fakeEncryptedChange(), fakeEncryptedChange(), fakeEncryptedChange()];
    socket.request({ type: 'push', changes });
    await socket.next();
    socket.request({ type: 'pull', sinceVersion: 1 });
    const page = (await socket.next()) as unknown as ChangesPage & { type: string };
    expect(page).toEqual({ type: 'changes', changes: changes.slice(1).map((c, i) => ({ ...c, version: i + 2, author: expect.stringMatching(AUTHOR_PATTERN) })), latestVersion: 3, more: false });
  });

  it('compacts over the socket', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSocket(owner, workspace.id);
    socket.request({ type: 'push', changes: [fakeEncryptedChange(), fakeEncryptedChange()] });
    await socket.next();
    const snapshot = fakeEncryptedChange();
    socket.request({ type: 'compact', snapshot, upToVersion: 2 });
    expect(await socket.next()).toEqual({ type: 'compacted', upToVersion: 2 });
    socket.request({ type: 'pull', sinceVersion: 0 });
    expect(await socket.next()).toMatchObject({ changes: [{ ...snapshot, version: 2, snapshot: true }] });
  });

  it('closes an unauthenticated socket that tries to join, before it sees anything', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    await call(`/sync/${workspace.id}/changes`, { token: owner.token, body: [fakeEncryptedChange()] });
    const socket = await openSyncSocket(workspace.id);
    socket.request({ type: 'join', workspaceId: workspace.id });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
    expect((await socket.closed()).code).toBe(1008);
  });

  it('closes a socket with a bad token', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await openSyncSocket(workspace.id);
    socket.request({ type: 'auth', token: 'not.a.token' });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
    expect((await socket.closed()).code).toBe(1008);
  });

  it('closes a non-member\'s socket with the same answer as for a missing workspace', async () => {
    const owner = await newAccount();
    const stranger = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await openSyncSocket(workspace.id);
    socket.request({ type: 'auth', token: stranger.token });
    socket.request({ type: 'join', workspaceId: workspace.id });
    socket.request({ type: 'pull', sinceVersion: 0 });
    expect((await socket.next()).type).toBe('auth-ok');
    const refusal = await socket.next();
    expect(refusal).toEqual({ type: 'error', code: 'NOT_FOUND', message: 'workspace not found' });
    expect((await socket.closed()).code).toBe(1008);

    const missingId = crypto.randomUUID();
    const other = await openSyncSocket(missingId);
    other.request({ type: 'auth', token: stranger.token });
    other.request({ type: 'join', workspaceId: missingId });
    await other.next();
    expect(await other.next()).toEqual(refusal);
  });

  it('refuses a join naming another workspace than the socket\'s', async () => {
    const owner = await newAccount();
    const mine = await newWorkspace(owner.token);
    const other = await newWorkspace(owner.token);
    const socket = await openSyncSocket(mine.id);
    socket.request({ type: 'auth', token: owner.token });
    socket.request({ type: 'join', workspaceId: other.id });
    await socket.next();
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
  });

  it('tells a joined socket what was wrong with a bad message and keeps it open', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSocket(owner, workspace.id);
    socket.send('{not json');
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'INVALID_JSON' });
    socket.request({ type: 'push', changes: [{ id: 'has spaces', encryptedData: 'AAAA' }] });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'INVALID_INPUT' });
    socket.request({ type: 'teleport' });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'INVALID_INPUT' });
    socket.request({ type: 'pull', sinceVersion: 0 });
    expect(await socket.next()).toMatchObject({ type: 'changes', changes: [] });
  });

  it('closes a socket that sends a message over 1 MiB', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSocket(owner, workspace.id);
    socket.send(JSON.stringify({ type: 'push', changes: [{ id: 'x', encryptedData: 'A'.repeat(MAX_SYNC_MESSAGE_BYTES) }] }));
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'PAYLOAD_TOO_LARGE' });
    expect((await socket.closed()).code).toBe(1009);
  });

  it('stops acting on a socket once its token expires, and closes it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const owner = await newAccount();
      const workspace = await newWorkspace(owner.token);
      const socket = await joinedSocket(owner, workspace.id);
      vi.setSystemTime(Date.now() + TOKEN_LIFETIME_SECONDS * 1000 + 1);
      socket.request({ type: 'pull', sinceVersion: 0 });
      expect(await socket.next()).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
      expect((await socket.closed()).code).toBe(1008);
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends no more changes to a socket whose token has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const owner = await newAccount();
      const workspace = await newWorkspace(owner.token);
      const stale = await joinedSocket(owner, workspace.id);
      vi.setSystemTime(Date.now() + TOKEN_LIFETIME_SECONDS * 1000 + 1);
      const login = await call('/api/login', { body: { email: owner.email, password: owner.password } });
      const fresh = ((await login.json()) as LoginResponse).token;
      const writer = await joinedSocket({ ...owner, token: fresh }, workspace.id);
      writer.request({ type: 'push', changes: [fakeEncryptedChange()] });
      expect((await writer.next()).type).toBe('ack');
      expect(await stale.next()).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
      expect((await stale.closed()).code).toBe(1008);
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers the keep-alive ping with pong', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await openSyncSocket(workspace.id);
    socket.send('{"type":"ping"}');
    expect(await socket.next()).toEqual({ type: 'pong' });
  });

  it('refuses a plain GET on the socket route', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const response = await call(`/sync/${workspace.id}`);
    expect(response.status).toBe(426);
    expect(await response.json()).toMatchObject({ error: { code: 'UPGRADE_REQUIRED' } });
  });
});

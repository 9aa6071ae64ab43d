import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { AUTHOR_PATTERN, LEGACY_AUTHOR, SYNC_BINARY_PROTOCOL, decodeChangesFrame, type ChangesPage, type PushResult, type SyncServerMessage } from '../src/protocol/index.ts';
import { MAX_CACHED_AUTHORS } from '../src/sync-room.ts';
import { call, fakeEncryptedChange, joinSecretPair, joinedSyncSocket, newAccount, newWorkspace, type TestAccount } from './api-client.ts';

/** A workspace of `owner` that `others` have joined with its join secret. */
async function sharedWorkspace(owner: TestAccount, ...others: TestAccount[]) {
  const { joinSecret, joinVerifier } = await joinSecretPair();
  const workspace = await newWorkspace(owner.token, joinVerifier);
  for (const other of others) {
    const response = await call(`/api/workspaces/${workspace.id}/join`, { token: other.token, body: { joinSecret } });
    if (response.status !== 200) throw new Error(`join failed: ${response.status} ${await response.text()}`);
  }
  return workspace;
}

async function pullAll(token: string, workspaceId: string): Promise<ChangesPage> {
  return (await (await call(`/sync/${workspaceId}/changes?since=0&limit=1000`, { token })).json()) as ChangesPage;
}

describe('change ids are each account\'s own', () => {
  it('stores and delivers the victim\'s change when another account pushed junk under its next id first', async () => {
    const [victim, squatter] = [await newAccount(), await newAccount()];
    const workspace = await sharedWorkspace(victim, squatter);
    const victimsOtherDevice = await joinedSyncSocket(victim, workspace.id);
    const nextId = 'device-abc-41-41';
    const junk = { id: nextId, encryptedData: fakeEncryptedChange().encryptedData };
    const squatted = (await (await call(`/sync/${workspace.id}/changes`, { token: squatter.token, body: [junk] })).json()) as PushResult;
    expect(await victimsOtherDevice.next('the junk')).toMatchObject({ type: 'changes', changes: [{ ...junk, version: squatted.versions[0] }] });

    const device = await joinedSyncSocket(victim, workspace.id);
    const edit = { id: nextId, encryptedData: fakeEncryptedChange().encryptedData };
    device.request({ type: 'push', changes: [edit] });
    const ack = await device.next('the ack');
    expect(ack).toEqual({ type: 'ack', ids: [nextId], versions: [squatted.versions[0]! + 1] });
    expect(await victimsOtherDevice.next('the victim\'s edit')).toMatchObject({ type: 'changes', changes: [{ ...edit, version: squatted.versions[0]! + 1 }] });
    expect((await pullAll(victim.token, workspace.id)).changes).toMatchObject([
      { ...junk, version: squatted.versions[0] },
      { ...edit, version: squatted.versions[0]! + 1 },
    ]);
  });

  it('still answers an account\'s own retry with the version of its first push', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSyncSocket(owner, workspace.id);
    const [first, second] = [fakeEncryptedChange(), fakeEncryptedChange()];
    socket.request({ type: 'push', changes: [first] });
    expect(await socket.next('the first ack')).toEqual({ type: 'ack', ids: [first.id], versions: [1] });
    socket.request({ type: 'push', changes: [second, first] });
    expect(await socket.next('the second ack')).toEqual({ type: 'ack', ids: [second.id, first.id], versions: [2, 1] });
    expect((await pullAll(owner.token, workspace.id)).latestVersion).toBe(2);
  });

  it('keeps the changes and versions of a room made before ids were scoped, and goes on from its latest version', async () => {
    const owner = await newAccount();
    const workspaceId = crypto.randomUUID();
    const stub = env.SYNC_ROOM.get(env.SYNC_ROOM.idFromName(workspaceId));
    const old = [fakeEncryptedChange(), fakeEncryptedChange()];
    // The schema rooms had before: ids unique across accounts, versions from AUTOINCREMENT, one compacted away.
    await runInDurableObject(stub, (_, state) => {
      const sql = state.storage.sql;
      sql.exec('CREATE TABLE workspace (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL, owner_id TEXT NOT NULL, join_verifier TEXT)');
      sql.exec('CREATE TABLE members (account_id TEXT PRIMARY KEY, joined_at INTEGER NOT NULL)');
      sql.exec('CREATE TABLE changes (version INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, data TEXT NOT NULL)');
      sql.exec('CREATE TABLE snapshot (slot INTEGER PRIMARY KEY CHECK (slot = 0), id TEXT NOT NULL, data TEXT NOT NULL, version INTEGER NOT NULL)');
      sql.exec('INSERT INTO workspace VALUES (?, ?, ?, ?, NULL)', workspaceId, 'b2xk', Date.now(), owner.accountId);
      sql.exec('INSERT INTO members VALUES (?, ?)', owner.accountId, Date.now());
      sql.exec('INSERT INTO changes (version, id, data) VALUES (7, ?, ?), (8, ?, ?)', old[0]!.id, old[0]!.encryptedData, old[1]!.id, old[1]!.encryptedData);
    });
    const socket = await joinedSyncSocket(owner, workspaceId);
    const fresh = fakeEncryptedChange();
    socket.request({ type: 'push', changes: [fresh] });
    expect(await socket.next('the ack')).toEqual({ type: 'ack', ids: [fresh.id], versions: [9] });
    const { changes } = await pullAll(owner.token, workspaceId);
    expect(changes).toEqual([
      { ...old[0], version: 7, author: LEGACY_AUTHOR },
      { ...old[1], version: 8, author: LEGACY_AUTHOR },
      { ...fresh, version: 9, author: expect.stringMatching(AUTHOR_PATTERN) },
    ]);
    expect(changes[2]!.author).not.toBe(LEGACY_AUTHOR);
  });
});

describe('who pushed each change, as readers are told', () => {
  it("is one tag for each account's changes and another for another account's, the same in JSON, binary frames and REST", async () => {
    const [victim, squatter] = [await newAccount(), await newAccount()];
    const workspace = await sharedWorkspace(victim, squatter);
    const jsonReader = await joinedSyncSocket(victim, workspace.id);
    const binaryReader = await joinedSyncSocket(squatter, workspace.id, SYNC_BINARY_PROTOCOL);
    const writer = await joinedSyncSocket(victim, workspace.id);
    const [first, junk, second] = [fakeEncryptedChange(), fakeEncryptedChange(), fakeEncryptedChange()];
    writer.request({ type: 'push', changes: [first] });
    await writer.next('the first ack');
    await call(`/sync/${workspace.id}/changes`, { token: squatter.token, body: [{ ...junk, id: first.id }] });
    await call(`/sync/${workspace.id}/changes`, { token: victim.token, body: [second] });

    const broadcastAuthors: string[] = [];
    const framedAuthors: (string | undefined)[] = [];
    for (const what of ['the first change', 'the junk', 'the second change']) {
      const message = (await jsonReader.next(`${what} as JSON`)) as unknown as SyncServerMessage;
      if (message.type !== 'changes') throw new Error(`expected changes, got ${JSON.stringify(message)}`);
      broadcastAuthors.push(...message.changes.map((change) => change.author!));
      const framed = await binaryReader.next(`${what} as a binary frame`);
      if (!('frame' in framed)) throw new Error(`expected a binary frame, got ${JSON.stringify(framed)}`);
      framedAuthors.push(...decodeChangesFrame(framed.frame as ArrayBuffer).changes.map((change) => change.author));
    }
    const [victims, squatters] = [broadcastAuthors[0]!, broadcastAuthors[1]!];
    expect(victims).toMatch(AUTHOR_PATTERN);
    expect(squatters).toMatch(AUTHOR_PATTERN);
    expect(squatters).not.toBe(victims);
    expect(broadcastAuthors).toEqual([victims, squatters, victims]);
    expect(framedAuthors).toEqual([victims, squatters, victims]);

    expect((await pullAll(squatter.token, workspace.id)).changes.map((change) => change.author)).toEqual([victims, squatters, victims]);
    binaryReader.request({ type: 'pull', sinceVersion: 0 });
    const pulled = await binaryReader.next("the pull's page as a binary frame");
    if (!('frame' in pulled)) throw new Error(`expected a binary frame, got ${JSON.stringify(pulled)}`);
    expect(decodeChangesFrame(pulled.frame as ArrayBuffer).changes.map((change) => change.author)).toEqual([victims, squatters, victims]);

    // Opaque per workspace: the same account's tag elsewhere tells nothing about this one.
    const elsewhere = await newWorkspace(victim.token);
    await call(`/sync/${elsewhere.id}/changes`, { token: victim.token, body: [fakeEncryptedChange()] });
    const [other] = (await pullAll(victim.token, elsewhere.id)).changes;
    expect(other!.author).toMatch(AUTHOR_PATTERN);
    expect(other!.author).not.toBe(victims);
  });
});

describe('the author tags a room keeps', () => {
  it(`are at most ${MAX_CACHED_AUTHORS} in memory, while every change of more accounts keeps its account's one tag, before and after a wake`, async () => {
    const owner = await newAccount();
    const { joinSecret, joinVerifier } = await joinSecretPair();
    const workspace = await newWorkspace(owner.token, joinVerifier);
    const stub = env.SYNC_ROOM.get(env.SYNC_ROOM.idFromName(workspace.id));
    const accounts = Array.from({ length: MAX_CACHED_AUTHORS + 8 }, (_, i) => `account-${i}`);
    const push = (accountId: string, n: number) => stub.pushChanges(accountId, [{ ...fakeEncryptedChange(), id: `${accountId}-${n}` }]);
    await Promise.all(accounts.map(async (accountId) => (await stub.join(accountId, joinSecret)).ok && (await push(accountId, 1)).ok));
    const cached = () => runInDurableObject(stub, (room) => (room as unknown as { authors: Map<string, string> }).authors.size);
    expect(await cached()).toBe(MAX_CACHED_AUTHORS);
    // Most tags have left memory by now, and come back from storage: each account's second change carries its first's.
    await Promise.all(accounts.map((accountId) => push(accountId, 2)));
    const { changes } = await pullAll(owner.token, workspace.id);
    const tagOf = new Map(changes.map((change) => [change.id, change.author]));
    expect(changes).toHaveLength(2 * accounts.length);
    expect(accounts.filter((accountId) => tagOf.get(`${accountId}-1`) !== tagOf.get(`${accountId}-2`))).toEqual([]);
    expect(new Set(tagOf.values()).size).toBe(accounts.length);

    await runInDurableObject(stub, (room) => {
      const internals = room as unknown as { memory: unknown; authors: Map<string, string>; storedAuthorsKnown: unknown };
      internals.memory = undefined;
      internals.authors.clear();
      internals.storedAuthorsKnown = null;
    });
    expect(await pullAll(owner.token, workspace.id)).toMatchObject({ changes });
    expect(await cached()).toBe(0);
  });
});

describe('who a sync socket speaks for', () => {
  it('is no longer joined once it authenticates as another account, and is closed on its next request', async () => {
    const [member, stranger] = [await newAccount(), await newAccount()];
    const workspace = await newWorkspace(member.token);
    const socket = await joinedSyncSocket(member, workspace.id);
    socket.request({ type: 'auth', token: stranger.token });
    expect(await socket.next('auth-ok')).toEqual({ type: 'auth-ok', accountId: stranger.accountId });
    socket.request({ type: 'pull', sinceVersion: 0 });
    expect(await socket.next('the refusal')).toEqual({ type: 'error', code: 'UNAUTHORIZED', message: 'send auth and join first' });
    expect((await socket.closed()).code).toBe(1008);
  });

  it('receives no broadcast once it authenticates as another account', async () => {
    const [member, stranger] = [await newAccount(), await newAccount()];
    const workspace = await newWorkspace(member.token);
    const switched = await joinedSyncSocket(member, workspace.id);
    switched.request({ type: 'auth', token: stranger.token });
    await switched.next('auth-ok');
    const writer = await joinedSyncSocket(member, workspace.id);
    writer.request({ type: 'push', changes: [fakeEncryptedChange()] });
    expect((await writer.next('the ack')).type).toBe('ack');
    // Its keep-alive is answered, and nothing came before the answer.
    switched.send('{"type":"ping"}');
    expect(await switched.next('pong')).toEqual({ type: 'pong' });
  });

  it('stays joined when it authenticates again as the same account, as a client refreshing its token does', async () => {
    const member = await newAccount();
    const workspace = await newWorkspace(member.token);
    const socket = await joinedSyncSocket(member, workspace.id);
    socket.request({ type: 'auth', token: member.token });
    await socket.next('auth-ok');
    socket.request({ type: 'pull', sinceVersion: 0 });
    expect(await socket.next('changes')).toMatchObject({ type: 'changes', changes: [] });
  });

  it('receives nothing written after its account is removed from the workspace, and is closed', async () => {
    const [owner, colleague] = [await newAccount(), await newAccount()];
    const workspace = await sharedWorkspace(owner, colleague);
    const removed = await joinedSyncSocket(colleague, workspace.id);
    const writer = await joinedSyncSocket(owner, workspace.id);
    await env.SYNC_ROOM.get(env.SYNC_ROOM.idFromName(workspace.id)).removeMember(colleague.accountId);
    writer.request({ type: 'push', changes: [fakeEncryptedChange()] });
    expect((await writer.next('the ack')).type).toBe('ack');
    expect(await removed.next('the refusal')).toEqual({ type: 'error', code: 'NOT_FOUND', message: 'workspace not found' });
    expect((await removed.closed()).code).toBe(1008);
  });
});

describe('what the room keeps in memory', () => {
  it('is read again from storage by a woken room: members, removals, and a next version past every one reserved', async () => {
    const [owner, colleague, removed] = [await newAccount(), await newAccount(), await newAccount()];
    const workspace = await sharedWorkspace(owner, colleague, removed);
    const stub = env.SYNC_ROOM.get(env.SYNC_ROOM.idFromName(workspace.id));
    await stub.removeMember(removed.accountId);
    await call(`/sync/${workspace.id}/changes`, { token: owner.token, body: [fakeEncryptedChange(), fakeEncryptedChange()] });
    // What hibernation does: a new object, with nothing in memory but what storage holds.
    await runInDurableObject(stub, (room) => {
      (room as unknown as { memory: unknown }).memory = undefined;
    });
    const socket = await joinedSyncSocket(colleague, workspace.id);
    const change = fakeEncryptedChange();
    socket.request({ type: 'push', changes: [change] });
    const ack = (await socket.next('the ack')) as unknown as PushResult;
    // Versions reserved before the wake may have been fanned out ahead of a commit a crash then lost: never reused.
    expect(ack).toEqual({ type: 'ack', ids: [change.id], versions: [expect.any(Number)] });
    expect(ack.versions[0]).toBeGreaterThan(2);
    const pulled = (await (await call(`/sync/${workspace.id}/changes?since=2`, { token: owner.token })).json()) as ChangesPage;
    expect(pulled.changes.map((stored) => [stored.id, stored.version])).toEqual([[change.id, ack.versions[0]]]);
    const refused = await call(`/sync/${workspace.id}/changes?since=0`, { token: removed.token });
    expect(refused.status).toBe(404);
  });
});

/** What a crash between a fan-out and its write leaves, reached inside the room (no test can kill workerd in workerd). */
interface RoomInternals {
  queuePush(push: { accountId: string; author: string; changes: { id: string; encryptedData: string }[]; sender: null; settle(): void }): void;
  queued: unknown[];
  unwritten: Map<string, number>;
  memory: unknown;
}

describe('a change fanned out before its write', () => {
  it('is never followed by another change under its version when a crash loses it', async () => {
    const [owner, colleague] = [await newAccount(), await newAccount()];
    const workspace = await sharedWorkspace(owner, colleague);
    // The first push reserves versions; the pushes after it are fanned out before they are written.
    await call(`/sync/${workspace.id}/changes`, { token: owner.token, body: [fakeEncryptedChange()] });
    const receiver = await joinedSyncSocket(colleague, workspace.id);
    const lost = fakeEncryptedChange();
    await runInDurableObject(env.SYNC_ROOM.get(env.SYNC_ROOM.idFromName(workspace.id)), (room) => {
      const internals = room as unknown as RoomInternals;
      internals.queuePush({ accountId: owner.accountId, author: 'A'.repeat(22), changes: [lost], sender: null, settle: () => undefined });
      // The crash: the write never happens, and the next object starts from what storage holds.
      internals.queued = [];
      internals.unwritten.clear();
      internals.memory = undefined;
    });
    const fannedOut = (await receiver.next('the change fanned out before its write')) as unknown as ChangesPage;
    expect(fannedOut.changes.map((change) => change.id)).toEqual([lost.id]);

    const next = fakeEncryptedChange();
    const pushed = (await (await call(`/sync/${workspace.id}/changes`, { token: owner.token, body: [next] })).json()) as PushResult;
    expect(pushed.versions[0]).toBeGreaterThan(fannedOut.changes[0]!.version);
    expect((await receiver.next('the next change')) as unknown as ChangesPage).toMatchObject({ changes: [{ id: next.id, version: pushed.versions[0] }] });
    expect((await pullAll(owner.token, workspace.id)).changes.map((change) => change.id)).not.toContain(lost.id);
  });
});

describe('pushes that arrive together', () => {
  it('are all stored once, with versions in one unbroken run, and each sender hears only its own ack', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const sockets = await Promise.all(Array.from({ length: 5 }, () => joinedSyncSocket(owner, workspace.id)));
    const pushed = sockets.map(() => Array.from({ length: 4 }, () => fakeEncryptedChange()));
    sockets.forEach((socket, i) => pushed[i]!.forEach((change) => socket.request({ type: 'push', changes: [change] })));
    const versions: number[] = [];
    for (const [i, socket] of sockets.entries()) {
      for (const change of pushed[i]!) {
        // Its own acks in the order of its pushes; the others' changes arrive as broadcasts in between.
        let message = await socket.next(`the ack of ${change.id}`);
        while (message.type === 'changes') message = await socket.next(`the ack of ${change.id}`);
        expect(message).toMatchObject({ type: 'ack', ids: [change.id] });
        versions.push(...(message.versions as number[]));
      }
    }
    expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const page = await pullAll(owner.token, workspace.id);
    expect(page.changes.map((change) => change.id).sort()).toEqual(pushed.flat().map((change) => change.id).sort());
  });
});

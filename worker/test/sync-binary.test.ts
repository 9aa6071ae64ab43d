import { describe, expect, it } from 'vitest';
import {
  AUTHOR_PATTERN,
  MAX_CHANGE_RAW_BYTES,
  SYNC_BINARY_PROTOCOL,
  decodeBase64url,
  decodeChangesFrame,
  encodeBase64url,
  encodePushFrame,
  type ChangesPage,
} from '../src/protocol/index.ts';
import { call, fakeEncryptedChange, joinedSyncSocket, newAccount, newWorkspace } from './api-client.ts';

function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

async function nextFrame(socket: Awaited<ReturnType<typeof joinedSyncSocket>>, what: string) {
  const message = await socket.next(what);
  if (!('frame' in message)) throw new Error(`expected a binary frame for ${what}, got ${JSON.stringify(message)}`);
  return decodeChangesFrame(message.frame as ArrayBuffer);
}

describe('binary frames on the sync socket (protocol version 3)', () => {
  it('are agreed when the client offers the subprotocol, and not otherwise', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const offered = await call(`/sync/${workspace.id}`, { headers: { upgrade: 'websocket', 'sec-websocket-protocol': `other, ${SYNC_BINARY_PROTOCOL}` } });
    expect(offered.status).toBe(101);
    expect(offered.headers.get('sec-websocket-protocol')).toBe(SYNC_BINARY_PROTOCOL);
    offered.webSocket?.accept();
    offered.webSocket?.close(1000);
    const plain = await call(`/sync/${workspace.id}`, { headers: { upgrade: 'websocket' } });
    expect(plain.headers.get('sec-websocket-protocol')).toBeNull();
    plain.webSocket?.accept();
    plain.webSocket?.close(1000);
  });

  it('carry a push as raw bytes: the sender gets its JSON ack, binary sockets the bytes, JSON sockets and REST their base64url', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const sender = await joinedSyncSocket(owner, workspace.id, SYNC_BINARY_PROTOCOL);
    const binaryPeer = await joinedSyncSocket(owner, workspace.id, SYNC_BINARY_PROTOCOL);
    const jsonPeer = await joinedSyncSocket(owner, workspace.id);
    const changes = [
      { id: 'device-1-1-1', bytes: randomBytes(1024) },
      { id: 'device-1-2-2', bytes: randomBytes(3) },
    ];
    sender.ws.send(encodePushFrame(3, changes));
    expect(await sender.next('the ack')).toEqual({ type: 'ack', ids: changes.map((change) => change.id), versions: [1, 2] });

    const received = await nextFrame(binaryPeer, 'the binary broadcast');
    expect(received.latestVersion).toBe(2);
    expect(received.more).toBe(false);
    expect(received.changes.map(({ id, version, bytes }) => ({ id, version, bytes: [...bytes] }))).toEqual(
      changes.map((change, i) => ({ id: change.id, version: i + 1, bytes: [...change.bytes] })),
    );
    const author = received.changes[0]!.author;
    expect(author).toMatch(AUTHOR_PATTERN);
    expect(received.changes[1]!.author).toBe(author);
    const asJson = changes.map((change, i) => ({ id: change.id, encryptedData: encodeBase64url(change.bytes), version: i + 1, author }));
    expect(await jsonPeer.next('the JSON broadcast')).toEqual({ type: 'changes', changes: asJson, latestVersion: 2, more: false });
    const page = (await (await call(`/sync/${workspace.id}/changes?since=0`, { token: owner.token })).json()) as ChangesPage;
    expect(page.changes).toEqual(asJson);
  });

  it('carry a JSON client\'s change and a pull\'s page to a binary socket as raw bytes', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const binary = await joinedSyncSocket(owner, workspace.id, SYNC_BINARY_PROTOCOL);
    const change = fakeEncryptedChange(100);
    await call(`/sync/${workspace.id}/changes`, { token: owner.token, body: [change] });
    const broadcast = await nextFrame(binary, 'the broadcast');
    expect([...broadcast.changes[0]!.bytes]).toEqual([...decodeBase64url(change.encryptedData)!]);
    binary.request({ type: 'pull', sinceVersion: 0 });
    const pulled = await nextFrame(binary, 'the pull\'s page');
    expect(pulled.changes.map(({ id, version }) => ({ id, version }))).toEqual([{ id: change.id, version: 1 }]);
  });

  it('refuse a malformed frame and a change over the limit, and the socket stays open', async () => {
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await joinedSyncSocket(owner, workspace.id, SYNC_BINARY_PROTOCOL);
    socket.ws.send(encodePushFrame(3, [{ id: 'truncated', bytes: randomBytes(10) }]).slice(0, 12));
    expect(await socket.next('the refusal')).toMatchObject({ type: 'error', code: 'INVALID_INPUT', message: 'the binary frame ends in the middle of a field' });
    socket.ws.send(encodePushFrame(3, [{ id: 'too-big', bytes: new Uint8Array(MAX_CHANGE_RAW_BYTES + 1) }]));
    expect(await socket.next('the refusal')).toMatchObject({ type: 'error', code: 'PAYLOAD_TOO_LARGE' });
    socket.ws.send(encodePushFrame(3, [{ id: 'just-fits', bytes: new Uint8Array(MAX_CHANGE_RAW_BYTES) }]));
    expect(await socket.next('the ack')).toEqual({ type: 'ack', ids: ['just-fits'], versions: [1] });
  });
});

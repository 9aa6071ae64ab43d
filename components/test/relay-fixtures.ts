/**
 * Devices syncing through the real Worker (on workerd, one scratch state per test file): each with its
 * own IndexedDB (fake-indexeddb), its own network that a test can cut, and ws as its WebSocket.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { randomUUID } from 'node:crypto';
import { WebSocket as NodeWebSocket } from 'ws';
import * as Y from 'yjs';
import { encodeBase64url, type EncryptedChange, type SyncServerMessage } from '#protocol';
import { deriveOrgSubkeys, generateOrgKey } from '../src/core/crypto/org-key.ts';
import { RelayApi } from '../src/core/sync/relay-api.ts';
import { RelayClient, type RelayClientOptions } from '../src/core/sync/relay-client.ts';
import { RelayOutbox } from '../src/core/sync/relay-outbox.ts';
import { decodeSyncMessage } from '../src/core/sync/sync-socket-codec.ts';
import type { DeviceSequences } from '../src/core/sync/relay-envelope.ts';
import { RelayEnvelopeSigning } from '../src/core/sync/relay-signatures.ts';
import { generateDeviceIdentity, type DeviceIdentity } from '../src/core/org/device-identity.ts';
import { GENESIS_EPOCH } from '../src/core/org/membership-records.ts';
import { openRelayWorkspace, relayUpdateCipher, type RelayAccount, type RelayOrg, type RelayWorkspace } from '../src/core/sync/relay-workspace.ts';
import { scratchWorkerForTestFile, type PooledWorker } from '../../scripts/scratch-worker-pool.ts';

/**
 * Polls `condition` until it holds; fails with `what` after a generous timeout (no test asserts a duration), short
 * enough that a test with two waits fails naming the one that did not hold, not with the test's own 60 s limit.
 */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 25_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The org key of each org `newOrg` made: devices sign as members of its first epoch with it. */
const orgKeys = new WeakMap<RelayOrg, Uint8Array>();

export async function newOrg(orgId: string = randomUUID()): Promise<RelayOrg> {
  const key = await generateOrgKey();
  const org = { orgId, subkeys: await deriveOrgSubkeys(key, orgId) };
  orgKeys.set(org, key);
  return org;
}

/**
 * How `identity` signs in `workspaceId`, as a member of the org's first epoch (a holder of the org key), and which
 * signers it takes for removed ones.
 */
export function signingFor(
  org: RelayOrg,
  workspaceId: string,
  identity: DeviceIdentity,
  removed: ReadonlySet<string> = new Set(),
  key = orgKeys.get(org),
): Promise<RelayEnvelopeSigning> {
  if (!key) throw new Error('sign only with the org key: one newOrg made, or given');
  return RelayEnvelopeSigning.create({ identity, orgId: org.orgId, workspaceId, epoch: { id: GENESIS_EPOCH, key }, isRemoved: (deviceId) => removed.has(deviceId) });
}

/** An account's credentials; each device signs in with them over its own network. */
export interface TestAccount {
  token: string;
}

export async function newAccount(workerUrl: string): Promise<TestAccount> {
  const { token } = await new RelayApi(workerUrl).createAccount(`relay-${randomUUID()}@clinic.example`, 'correct horse battery staple');
  return { token };
}

/**
 * A relay that lies to one device: what it answers (pages over REST and the socket, broadcasts, acks) goes through
 * this first, which returns it rewritten, or null to withhold it. REST answers come as their socket message types.
 */
export type RelayLie = (message: SyncServerMessage) => SyncServerMessage | null;

export type RequestMatcher = (request: { method: string; url: string; body: string }) => boolean;

/** What a device is connected through: a test can cut it all, or only its WebSockets (a proxy that drops them). */
export class TestNetwork {
  online = true;
  socketsAllowed = true;
  relayLie: RelayLie | null = null;
  private readonly sockets = new Set<NodeWebSocket>();
  private readonly lostResponses: ((method: string, url: string) => boolean)[] = [];
  private refusing: RequestMatcher | null = null;
  /** How many requests `refuse` kept from the Worker. */
  refused = 0;

  readonly fetch: typeof fetch = async (input, init) => {
    if (!this.online) throw new TypeError('fetch failed: the network is down');
    if (this.refusing?.({ method: init?.method ?? 'GET', url: String(input), body: typeof init?.body === 'string' ? init.body : '' })) {
      this.refused++;
      throw new TypeError('fetch failed: the request never reached the Worker');
    }
    const response = await fetch(input, init);
    const index = this.lostResponses.findIndex((matches) => matches(init?.method ?? 'GET', String(input)));
    if (index >= 0) {
      this.lostResponses.splice(index, 1);
      this.goOffline();
      throw new TypeError('fetch failed: the network went down before the answer arrived');
    }
    return this.relayLie && response.ok && /\/sync\/[^/]+\/changes/.test(String(input)) ? this.lieOverRest(response, init?.method ?? 'GET') : response;
  };

  private async lieOverRest(response: Response, method: string): Promise<Response> {
    const { type, ...rest } = this.relayLie!({ type: method === 'GET' ? 'changes' : 'ack', ...(await response.json()) }) ?? { type: 'withheld' };
    if (type === 'withheld') throw new TypeError('fetch failed: the relay withheld its answer');
    return Response.json(rest, { status: response.status });
  }

  /** ws's WebSocket, refused while the network is down or WebSockets are blocked. */
  readonly WebSocket: typeof WebSocket = this.switchedWebSocket();

  private switchedWebSocket(): typeof WebSocket {
    const reachable = () => this.online && this.socketsAllowed;
    const lie = () => this.relayLie;
    const sockets = this.sockets;
    class SwitchedWebSocket extends NodeWebSocket {
      constructor(url: string, protocols?: string | string[]) {
        // Nothing listens on port 1: a refused connection, as a blocked or offline socket sees it.
        super(reachable() ? url : 'ws://127.0.0.1:1', protocols);
        sockets.add(this);
        this.on('close', () => sockets.delete(this));
      }

      override emit(event: string | symbol, ...args: unknown[]): boolean {
        const relayLie = lie();
        if (event !== 'message' || !relayLie) return super.emit(event, ...args);
        // What the relay said, in either of the socket's protocols; the lie is told as JSON, which both accept.
        const message = decodeSyncMessage(args[1] ? args[0] : String(args[0]));
        const told = message.type === 'pong' ? message : relayLie(message);
        return told ? super.emit('message', Buffer.from(JSON.stringify(told)), false) : true;
      }
    }
    return SwitchedWebSocket as unknown as typeof WebSocket;
  }

  /** Cuts the network: open sockets die without a closing handshake, requests fail. */
  goOffline(): void {
    this.online = false;
    this.dropSockets();
  }

  goOnline(): void {
    this.online = true;
  }

  /** Requests still pass, WebSockets do not: a proxy that refuses upgrades. */
  blockWebSockets(): void {
    this.socketsAllowed = false;
    this.dropSockets();
  }

  allowWebSockets(): void {
    this.socketsAllowed = true;
  }

  /**
   * The next matching request reaches the Worker, which acts on it, and then the network goes down: the answer
   * never arrives, and the device stays offline until `goOnline()`.
   */
  loseResponse(matches: (method: string, url: string) => boolean): void {
    this.lostResponses.push(matches);
  }

  /** Matching requests fail before they reach the Worker, until `refuse(null)`; the others pass. */
  refuse(matches: RequestMatcher | null): void {
    this.refusing = matches;
  }

  private dropSockets(): void {
    for (const socket of this.sockets) socket.terminate();
  }
}

export interface DeviceOptions {
  doc?: Y.Doc;
  network?: TestNetwork;
  /** The device's IndexedDB; a reload keeps it. */
  indexedDB?: IDBFactory;
  /** The device's identity; a reload keeps it. */
  identity?: DeviceIdentity;
  /** Devices this one's member list says were removed: what they sign is refused. */
  removed?: ReadonlySet<string>;
  client?: Partial<RelayClientOptions>;
}

/** One device of an account: its document, its relay client and what it needs to be reloaded. */
export interface TestDevice {
  doc: Y.Doc;
  client: RelayClient;
  outbox: RelayOutbox;
  network: TestNetwork;
  workspace: RelayWorkspace;
  relay: RelayAccount;
  /** Whose signature its batches carry. */
  identity: DeviceIdentity;
  /** Every 'undecryptable-change' the client reported. */
  undecryptable: { id: string; version: number; reason: string }[];
  /** Stops the client and starts a new one on a copy of the document and the same IndexedDB, as a page reload does. */
  reload(): Promise<TestDevice>;
  stop(): Promise<void>;
}

/** Short waits so tests do not sit through production back-off; the behaviour is the same. */
const TEST_TIMINGS: Partial<RelayClientOptions> = { pollIntervalMs: 100, reconnectBackoff: { baseMs: 20, maxMs: 400 } };

export async function startDevice(workerUrl: string, account: TestAccount, org: RelayOrg, options: DeviceOptions = {}): Promise<TestDevice> {
  const network = options.network ?? new TestNetwork();
  const indexedDB = options.indexedDB ?? new IDBFactory();
  const doc = options.doc ?? new Y.Doc();
  const identity = options.identity ?? (await generateDeviceIdentity());
  const relay: RelayAccount = { api: new RelayApi(workerUrl, network.fetch), getToken: async () => account.token };
  const workspace = await openRelayWorkspace(relay, org, doc);
  const outbox = await RelayOutbox.open(org.orgId, workspace.id, indexedDB);
  const client = new RelayClient(doc, {
    api: relay.api,
    workspaceId: workspace.id,
    getToken: relay.getToken,
    cipher: workspace.cipher,
    signing: await signingFor(org, workspace.id, identity, options.removed),
    outbox,
    WebSocket: network.WebSocket,
    ...TEST_TIMINGS,
    ...options.client,
  });
  const undecryptable: TestDevice['undecryptable'] = [];
  client.on('undecryptable-change', (change) => undecryptable.push(change));
  await client.start();
  const stop = async () => {
    await client.stop();
    outbox.close();
  };
  return {
    doc,
    client,
    outbox,
    network,
    workspace,
    relay,
    identity,
    undecryptable,
    stop,
    async reload() {
      await stop();
      const restored = new Y.Doc();
      Y.applyUpdate(restored, Y.encodeStateAsUpdate(doc));
      return startDevice(workerUrl, account, org, { ...options, doc: restored, network, indexedDB, identity });
    },
  };
}

/**
 * A member account whose device holds the org key and acts outside the client: a former member before the rotation
 * that removes it, or a member gone rogue. It joins the workspace with the join secret the key gives.
 */
export async function memberWithKey(workerUrl: string, account: TestAccount, org: RelayOrg, workspaceId: string, key = orgKeys.get(org)) {
  const api = new RelayApi(workerUrl);
  const getToken = async () => account.token;
  await openRelayWorkspace({ api, getToken }, org, docKnowingWorkspace(workspaceId));
  const cipher = relayUpdateCipher(org, workspaceId);
  const identity = await generateDeviceIdentity();
  return {
    /** Replaces the whole history with a snapshot of `doc`, claiming `sequences` and `stateVector`. */
    async compact(doc: Y.Doc, { sequences = new Map(), stateVector = Y.encodeStateVector(doc) }: { sequences?: DeviceSequences; stateVector?: Uint8Array } = {}) {
      const { latestVersion: upToVersion } = await api.pullChanges(await getToken(), workspaceId, 0, 1);
      // Signed as itself, which it may: it holds the key, so its snapshot is refused only for what it claims.
      const signing = await signingFor(org, workspaceId, identity, new Set(), key);
      const envelope = await signing.sign({
        kind: 'snapshot',
        deviceId: signing.relayDeviceId,
        upToVersion,
        sequences,
        stateVector,
        update: Y.encodeStateAsUpdate(doc),
      });
      const snapshot = { id: `rogue-snapshot-${upToVersion}`, encryptedData: encodeBase64url(await cipher.seal(envelope)) };
      await api.compact(await getToken(), workspaceId, { snapshot, upToVersion });
    },
    async push(changes: EncryptedChange[]) {
      await api.pushChanges(await getToken(), workspaceId, changes);
    },
  };
}

/** A new member's document as an invite leaves it: a copy of the inviter's, relay workspace id included. */
export function invitedDoc(inviter: Y.Doc): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(inviter));
  return doc;
}

/** A document that knows only the org's relay workspace id, as a member's does before its first sync. */
export function docKnowingWorkspace(workspaceId: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getMap('meta').set('relayWorkspaceId', workspaceId);
  return doc;
}

/** What the tests edit: a map of records, a list and a text, so that every kind of Yjs type must converge. */
export function content(doc: Y.Doc): { records: [string, unknown][]; log: unknown[]; notes: string } {
  // Sorted: a Y.Map's iteration order is the order entries reached this replica, which differs between replicas.
  const records = [...doc.getMap('records').entries()].sort(([a], [b]) => a.localeCompare(b));
  return { records, log: doc.getArray('log').toJSON(), notes: doc.getText('notes').toString() };
}

export function sameContent(docs: Y.Doc[]): boolean {
  const first = JSON.stringify(content(docs[0]!));
  return docs.every((doc) => JSON.stringify(content(doc)) === first);
}

/** One random edit: set or delete a record, insert into or delete from the list, type or erase text. */
export function randomEdit(doc: Y.Doc, random: () => number, label: string): void {
  const pick = (n: number) => Math.floor(random() * n);
  const records = doc.getMap<string>('records');
  const log = doc.getArray<string>('log');
  const notes = doc.getText('notes');
  switch (pick(6)) {
    case 0:
    case 1:
      records.set(`record-${pick(12)}`, `${label}-${pick(1000)}`);
      return;
    case 2: {
      const keys = [...records.keys()];
      if (keys.length > 0) records.delete(keys[pick(keys.length)]!);
      return;
    }
    case 3:
      log.insert(pick(log.length + 1), [`${label}-${pick(1000)}`]);
      return;
    case 4:
      if (log.length > 0) log.delete(pick(log.length), 1);
      return;
    default:
      if (notes.length > 0 && random() < 0.3) notes.delete(pick(notes.length), 1);
      else notes.insert(pick(notes.length + 1), label);
  }
}

/** A test file's Worker: its URL, the accounts it named, and the devices its tests start (all stopped afterwards). */
export interface RelayTestWorker<Name extends string> {
  readonly url: string;
  /** Signed up before the file's first test. */
  readonly accounts: Readonly<Record<Name, TestAccount>>;
  startDevice(account: TestAccount, org: RelayOrg, options?: DeviceOptions): Promise<TestDevice>;
}

/** Starts a scratch Worker for the calling test file, signs up `names`, and cleans up after the file's tests. */
export function useRelayWorker<Name extends string>(...names: Name[]): RelayTestWorker<Name> {
  let scratch: PooledWorker | undefined;
  const accounts = {} as Record<Name, TestAccount>;
  const running: TestDevice[] = [];
  beforeAll(async () => {
    scratch = await scratchWorkerForTestFile();
    for (const name of names) accounts[name] = await newAccount(scratch.url);
  });
  afterAll(async () => {
    await Promise.all(running.map((device) => device.stop()));
    await scratch?.dispose();
  });
  return {
    get url() {
      return scratch!.url;
    },
    accounts,
    async startDevice(account, org, options) {
      const device = await startDevice(scratch!.url, account, org, options);
      running.push(device);
      return device;
    },
  };
}

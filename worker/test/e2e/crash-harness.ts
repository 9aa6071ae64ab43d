/**
 * What a crash test of the relay needs: a local Worker (wrangler dev → workerd, state on disk) that can be killed
 * with SIGKILL and started again on the same state, an account with a workspace on it, and sync clients that push
 * over the socket, remember every acknowledgement, and push again after a reconnect whatever was not acknowledged.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { ChangesPage, CreateAccountResponse, EncryptedChange, StoredChange, SyncServerMessage, Workspace } from '../../src/protocol/index.ts';
import { startScratchWorker, type ScratchWorker } from '../../../scripts/test-worker.ts';
import { postJson } from './worker-http.ts';

/** How long a wait may last before it fails naming what it waited for: well inside the node project's test limit. */
const WAIT_MS = 30_000;
/** The most changes the Worker hands out per pull (MAX_PULL_LIMIT). */
const PULL_PAGE = 1000;

export interface CrashableRelay {
  url: string;
  /** An account's token and a workspace it owns, for clients to push into. */
  token: string;
  workspaceId: string;
  /** SIGKILL to wrangler and workerd, then the Worker again on the same state and port. */
  crashAndRestart(): Promise<void>;
  /** Every change the workspace holds, in version order, read over REST. */
  pullAll(): Promise<StoredChange[]>;
  dispose(): Promise<void>;
}

export async function startCrashableRelay(): Promise<CrashableRelay> {
  const scratch: ScratchWorker = await startScratchWorker();
  const post = <T>(path: string, body: unknown, token?: string) => postJson<T>(scratch.url, path, body, token);
  const { token } = await post<CreateAccountResponse>('/api/accounts', {
    email: `crash-${randomUUID()}@clinic.example`,
    password: 'survives a kill -9',
  });
  const { id: workspaceId } = await post<Workspace>('/api/workspaces', { name: 'opaque' }, token);
  const pull = async (since: number, limit: number): Promise<ChangesPage> => {
    const response = await fetch(`${scratch.url}/sync/${workspaceId}/changes?since=${since}&limit=${limit}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`pull since ${since}: ${response.status} ${await response.text()}`);
    return (await response.json()) as ChangesPage;
  };
  return {
    get url() {
      return scratch.url;
    },
    token,
    workspaceId,
    async crashAndRestart() {
      await scratch.worker.kill();
      await scratch.restart();
    },
    async pullAll() {
      const all: StoredChange[] = [];
      for (let since = 0, more = true; more; ) {
        const page = await pull(since, PULL_PAGE);
        all.push(...page.changes);
        more = page.more;
        since = page.changes.at(-1)?.version ?? since;
      }
      return all;
    },
    dispose: () => scratch.dispose(),
  };
}

/** A change of `bytes` random base64url with an id that says which client made it. */
export function newChange(prefix: string, bytes = 256): EncryptedChange {
  return { id: `${prefix}-${randomUUID()}`, encryptedData: randomBytes(bytes).toString('base64url') };
}

/**
 * One device's sync socket, reconnectable. It keeps what the relay promised: the version each change was first
 * acknowledged with (`acked`), and what was sent but never acknowledged (`unacked`), which a crash may have lost.
 * A second acknowledgement of a change with another version is a broken idempotency promise, kept in `conflicts`.
 */
export class PushingClient {
  readonly acked = new Map<string, number>();
  readonly unacked = new Map<string, EncryptedChange>();
  /** Every change this client made, by id. */
  readonly made = new Map<string, EncryptedChange>();
  /** The ids of each push, in the order sent: a push is stored whole or not at all. */
  readonly pushes: string[][] = [];
  readonly conflicts: string[] = [];
  /** Acknowledgements of changes already acknowledged (a retry's): each must repeat the first version. */
  reacknowledged = 0;
  /** Errors the relay sent; a clean run has none. */
  readonly errors: string[] = [];
  /** Every other client's change the relay fanned out to this one, as [version, id], in the order received. */
  readonly received: [number, string][] = [];
  /** The latest version the relay named when this client last joined. */
  joinedAtVersion = 0;
  private ws: WebSocket | null = null;
  private seq = 0;
  private open = false;
  private burst: { batchSize: number; prefix: string; changeBytes?: number } | null = null;
  private readonly ackListeners = new Set<() => void>();

  constructor(
    private readonly relay: Pick<CrashableRelay, 'url' | 'token' | 'workspaceId'>,
    readonly name: string,
  ) {}

  get connected(): boolean {
    return this.open;
  }

  /** Opens a socket, authenticates and joins; resolves once joined. */
  async connect(): Promise<void> {
    const ws = new WebSocket(`${this.relay.url.replace('http', 'ws')}/sync/${this.relay.workspaceId}`);
    this.ws = ws;
    this.seq = 0;
    const joined = new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (raw) => {
        const message = JSON.parse(raw.toString()) as SyncServerMessage;
        if (message.type === 'joined') {
          this.joinedAtVersion = message.latestVersion;
          this.open = true;
          resolve();
        } else this.receive(message);
      });
      ws.once('close', (code, reason) => {
        this.open = false;
        // A burst ends with its socket; a test decides what the client does after reconnecting.
        this.burst = null;
        reject(new Error(`${this.name}: socket closed before joining (${code} ${reason.toString()})`));
      });
    });
    ws.once('open', () => {
      this.send({ type: 'auth', token: this.relay.token });
      this.send({ type: 'join', workspaceId: this.relay.workspaceId });
    });
    await withDeadline(joined, `${this.name} to join`);
    // A crash surfaces as an error on the socket; the close that follows is what the client acts on.
    ws.on('error', () => undefined);
  }

  /** Sends one push of `changes`; they stay unacknowledged until the relay says otherwise. */
  push(changes: EncryptedChange[]): void {
    this.pushes.push(changes.map((change) => change.id));
    for (const change of changes) {
      this.made.set(change.id, change);
      if (!this.acked.has(change.id)) this.unacked.set(change.id, change);
    }
    this.send({ type: 'push', changes });
  }

  /**
   * Keeps `inFlight` pushes of `batchSize` fresh changes outstanding: each acknowledgement sends the next, until
   * the socket closes or `stopPushing()`. The burst is what a crash lands in the middle of.
   */
  startPushing({ batchSize, inFlight, prefix = this.name, changeBytes }: { batchSize: number; inFlight: number; prefix?: string; changeBytes?: number }): void {
    this.burst = { batchSize, prefix, changeBytes };
    for (let i = 0; i < inFlight; i++) this.pushFresh();
  }

  stopPushing(): void {
    this.burst = null;
  }

  /** Pushes again every change not acknowledged yet, as a client does after reconnecting. */
  retryUnacked(): void {
    const pending = [...this.unacked.values()];
    for (let i = 0; i < pending.length; i += 50) this.push(pending.slice(i, i + 50));
  }

  /** Pushes again the first `count` acknowledged changes: each must be acknowledged with the version it had. */
  repushAcked(count: number): void {
    this.push([...this.acked.keys()].slice(0, count).map((id) => this.made.get(id)!));
  }

  /** Resolves once `condition` holds, checked after every acknowledgement; fails naming `what`. */
  async untilAcked(what: string, condition: () => boolean): Promise<void> {
    if (condition()) return;
    let listener: () => void = () => undefined;
    const met = new Promise<void>((resolve) => {
      listener = () => {
        if (condition()) resolve();
      };
      this.ackListeners.add(listener);
    });
    try {
      await withDeadline(met, `${this.name}: ${what}`);
    } finally {
      this.ackListeners.delete(listener);
    }
  }

  /** Resolves once the socket is closed (by a crash or by `close()`). */
  async closed(): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await withDeadline(new Promise<void>((resolve) => ws.once('close', () => resolve())), `${this.name}'s socket to close`);
  }

  close(): void {
    this.burst = null;
    this.ws?.close();
  }

  private receive(message: SyncServerMessage): void {
    if (message.type === 'error') this.errors.push(`${message.code}: ${message.message}`);
    if (message.type === 'changes') for (const change of message.changes) this.received.push([change.version, change.id]);
    if (message.type !== 'ack') return;
    message.ids.forEach((id, i) => {
      const version = message.versions[i]!;
      const first = this.acked.get(id);
      if (first === undefined) this.acked.set(id, version);
      else this.reacknowledged += 1;
      if (first !== undefined && first !== version) this.conflicts.push(`${id} acknowledged as version ${first}, then ${version}`);
      this.unacked.delete(id);
    });
    if (this.burst && this.open) this.pushFresh();
    for (const listener of this.ackListeners) listener();
  }

  private pushFresh(): void {
    if (!this.burst) return;
    this.push(Array.from({ length: this.burst.batchSize }, () => newChange(this.burst!.prefix, this.burst!.changeBytes)));
  }

  private send(message: Record<string, unknown>): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify({ ...message, seq: ++this.seq }));
  }
}

/**
 * `count` clients that connect, keep pushes in flight and have `ackedBeforeCrash` changes each acknowledged; then
 * the Worker is killed with SIGKILL and started again, and every client has seen its socket close. The crash lands
 * in the middle of the burst, never at its start.
 */
export async function crashMidBurst(
  relay: CrashableRelay,
  { count, ackedBeforeCrash, ...burst }: { count: number; ackedBeforeCrash: number; batchSize: number; inFlight: number; changeBytes?: number },
): Promise<PushingClient[]> {
  const clients = Array.from({ length: count }, (_, i) => new PushingClient(relay, `client-${i}`));
  await Promise.all(clients.map((client) => client.connect()));
  for (const client of clients) client.startPushing(burst);
  await Promise.all(
    clients.map((client) => client.untilAcked(`${ackedBeforeCrash} changes acknowledged`, () => client.acked.size >= ackedBeforeCrash)),
  );
  await relay.crashAndRestart();
  await Promise.all(clients.map((client) => client.closed()));
  return clients;
}

/**
 * What is wrong with `stored` given what `clients` were told: an acknowledged change missing or stored with another
 * version than its acknowledgement said, any change stored twice, anything stored that no client sent. Empty when
 * every acknowledged change is back exactly once.
 */
export function ackViolations(stored: StoredChange[], clients: PushingClient[]): string[] {
  const problems: string[] = [];
  const byId = new Map<string, StoredChange>();
  for (const change of stored) {
    if (byId.has(change.id)) problems.push(`${change.id} stored twice`);
    byId.set(change.id, change);
  }
  const sent = new Set<string>();
  for (const client of clients) {
    problems.push(...client.conflicts);
    for (const [id, version] of client.acked) {
      sent.add(id);
      const found = byId.get(id);
      if (!found) problems.push(`${client.name}: ${id} acknowledged as version ${version}, missing`);
      else if (found.version !== version) problems.push(`${client.name}: ${id} acknowledged as version ${version}, stored as ${found.version}`);
    }
    for (const id of client.unacked.keys()) sent.add(id);
  }
  for (const id of byId.keys()) if (!sent.has(id)) problems.push(`${id} stored but sent by nobody`);
  return problems;
}

/** The highest version any of `clients` was sent as another client's change. */
export function highestReceived(clients: PushingClient[]): number {
  return Math.max(0, ...clients.flatMap((client) => client.received.map(([version]) => version)));
}

/**
 * Versions given to two different changes, across what `clients` were sent and what is `stored`: a receiver that
 * applied a change the relay then lost, and skipped the next change under the same version, would never see it.
 */
export function reusedVersions(stored: StoredChange[], clients: PushingClient[]): string[] {
  const idOf = new Map<number, string>();
  const problems: string[] = [];
  const seen: [number, string][] = [...clients.flatMap((client) => client.received), ...stored.map((change): [number, string] => [change.version, change.id])];
  for (const [version, id] of seen) {
    const first = idOf.get(version);
    if (first === undefined) idOf.set(version, id);
    else if (first !== id) problems.push(`version ${version} given to ${first} and to ${id}`);
  }
  return [...new Set(problems)];
}

async function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

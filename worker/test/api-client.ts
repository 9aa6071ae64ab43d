import { createExecutionContext, env } from 'cloudflare:test';
import { onTestFinished } from 'vitest';
import worker from '../src/index.ts';
import { encodeBase64url, type CreateAccountResponse, type ErrorBody, type SyncRequest, type Workspace } from '../src/protocol/index.ts';

/** Small factories that talk to the Worker exactly as a client does. */

/**
 * A request to the Worker's own fetch handler, with the test runtime's bindings (real KV and Durable Objects). Not
 * through `SELF`: in vitest-pool-workers each `SELF.fetch` costs more than the one before it in the same runtime
 * (measured here: 50 requests took 0.3 s, then 1.3, 2.1, 3.1, 5.4, 8.4, 11.8, 18.7 s; the handler called directly,
 * 1–17 ms each time; cloudflare/workers-sdk#15446), which made every file with many requests slow and starved the rest.
 */
function fetchWorker(url: string, init: RequestInit): Promise<Response> {
  return worker.fetch(new Request(url, init) as Parameters<typeof worker.fetch>[0], env, createExecutionContext());
}

const ORIGIN = 'https://p2p-clinic.test';
/** How long a reply may take before the wait fails naming what it waited for: well inside the test's own limit. */
const REPLY_WAIT_MS = 10_000;

/**
 * A client address of its own (IPv6 documentation prefix), so that rate limits bite only where a test shares an
 * address on purpose; without one, every request would share the Worker's single "unknown" bucket.
 */
export function freshClientIp(): string {
  const words = crypto.getRandomValues(new Uint16Array(6));
  return `2001:db8:${[...words].map((word) => word.toString(16)).join(':')}`;
}

export function call(path: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'cf-connecting-ip': freshClientIp(), ...init.headers };
  if (init.body !== undefined) headers['content-type'] ??= 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  return fetchWorker(`${ORIGIN}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
}

/** Checks status, code, and that the body has exactly the documented shape `{"error":{"code","message"}}`. */
export async function expectError(response: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await response.json()) as ErrorBody;
  const shaped =
    Object.keys(body).join() === 'error' && Object.keys(body.error ?? {}).join() === 'code,message' && typeof body.error.message === 'string';
  if (response.status !== status || body.error?.code !== code || !shaped) {
    throw new Error(`expected ${status} {"error":{"code":"${code}","message"}}, got ${response.status} ${JSON.stringify(body)}`);
  }
  return body;
}

export interface TestAccount extends CreateAccountResponse {
  email: string;
  password: string;
}

export async function newAccount(): Promise<TestAccount> {
  const email = `person-${crypto.randomUUID()}@clinic.example`;
  const password = 'correct horse battery staple';
  const response = await call('/api/accounts', { body: { email, password } });
  if (response.status !== 201) throw new Error(`account creation failed: ${response.status} ${await response.text()}`);
  return { email, password, ...((await response.json()) as CreateAccountResponse) };
}

export async function joinSecretPair(): Promise<{ joinSecret: string; joinVerifier: string }> {
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', secret));
  return { joinSecret: encodeBase64url(secret), joinVerifier: encodeBase64url(digest) };
}

export async function newWorkspace(token: string, joinVerifier?: string): Promise<Workspace> {
  const response = await call('/api/workspaces', { token, body: { name: 'ZW5jcnlwdGVkIG5hbWU', ...(joinVerifier ? { joinVerifier } : {}) } });
  if (response.status !== 201) throw new Error(`workspace creation failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Workspace;
}

export interface TestSocket {
  ws: WebSocket;
  /** Sends an object as JSON and a string as it is. */
  send(message: unknown): void;
  /** The next message from the server, in order; fails naming `what` when none comes. */
  next(what?: string): Promise<Record<string, unknown>>;
  /** The server's close frame; fails when the socket stays open. */
  closed(): Promise<{ code: number; reason: string }>;
}

/**
 * Opens a WebSocket to `path` through the Worker and queues what the server sends, a binary frame as
 * `{ frame: ArrayBuffer }`; closed when the test ends.
 */
export async function openSocket(path: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const response = await fetchWorker(`${ORIGIN}${path}`, { headers: { upgrade: 'websocket', ...headers } });
  const ws = response.webSocket;
  if (!ws) throw new Error(`no WebSocket: ${response.status} ${await response.text()}`);
  ws.accept();
  // The standard's default is Blob; frames are read as they are decoded, from a buffer.
  ws.binaryType = 'arraybuffer';
  onTestFinished(() => {
    if (ws.readyState === WebSocket.READY_STATE_OPEN) ws.close(1000, 'test finished');
  });
  const queue: Record<string, unknown>[] = [];
  const received: Record<string, unknown>[] = [];
  const waiters: ((message: Record<string, unknown>) => void)[] = [];
  ws.addEventListener('message', (event) => {
    const message = typeof event.data === 'string' ? (JSON.parse(event.data) as Record<string, unknown>) : { frame: event.data as ArrayBuffer };
    received.push(message);
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })),
  );
  const summary = () => `on ${path}; received so far: ${JSON.stringify(received).slice(0, 600)}`;
  return {
    ws,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next: (what = 'message') => {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no ${what} within ${REPLY_WAIT_MS / 1000} s ${summary()}`));
        }, REPLY_WAIT_MS);
        const waiter = (message: Record<string, unknown>) => {
          clearTimeout(timer);
          resolve(message);
        };
        waiters.push(waiter);
      });
    },
    closed: () => withDeadline(closed, `the server to close the socket ${summary()}`),
  };
}

/** A sync socket: `request` numbers each message with the socket's next `seq`, as every client must. */
export interface SyncTestSocket extends TestSocket {
  request(message: SyncRequest | Record<string, unknown>): number;
}

/** `subprotocol`: what the socket offers, such as SYNC_BINARY_PROTOCOL. */
export async function openSyncSocket(workspaceId: string, subprotocol?: string): Promise<SyncTestSocket> {
  const socket = await openSocket(`/sync/${workspaceId}`, subprotocol ? { 'sec-websocket-protocol': subprotocol } : {});
  let seq = 0;
  return {
    ...socket,
    request(message) {
      socket.send({ ...message, seq: ++seq });
      return seq;
    },
  };
}

/** A sync socket that has authenticated as `account` and joined `workspaceId`, its two answers read. */
export async function joinedSyncSocket(account: { token: string }, workspaceId: string, subprotocol?: string): Promise<SyncTestSocket> {
  const socket = await openSyncSocket(workspaceId, subprotocol);
  socket.request({ type: 'auth', token: account.token });
  socket.request({ type: 'join', workspaceId });
  const answers = [await socket.next('auth-ok'), await socket.next('joined')];
  if (answers[0]!.type !== 'auth-ok' || answers[1]!.type !== 'joined') throw new Error(`the socket did not join: ${JSON.stringify(answers)}`);
  return socket;
}

/** Waits for `promise`, failing after REPLY_WAIT_MS with what it was waiting for. */
export function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${REPLY_WAIT_MS / 1000} s for ${what}`)), REPLY_WAIT_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

let changeCounter = 0;

/** A change as a client would push it: an id of its own and opaque base64url bytes. */
export function fakeEncryptedChange(bytes = 64) {
  const data = new Uint8Array(bytes);
  // getRandomValues fills at most 64 KiB at a time.
  for (let offset = 0; offset < bytes; offset += 65_536) crypto.getRandomValues(data.subarray(offset, offset + 65_536));
  return { id: `change-${++changeCounter}-${crypto.randomUUID().slice(0, 8)}`, encryptedData: encodeBase64url(data) };
}

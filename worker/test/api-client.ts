import { SELF } from 'cloudflare:test';
import { encodeBase64url, type CreateAccountResponse, type ErrorBody, type Workspace } from '../src/protocol/index.ts';

/** Small factories that talk to the Worker exactly as a client does. */

const ORIGIN = 'https://p2p-clinic.test';
let accountCounter = 0;

export function call(path: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-type'] ??= 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  return SELF.fetch(`${ORIGIN}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
}

export async function expectError(response: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await response.json()) as ErrorBody;
  if (response.status !== status || body.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${response.status} ${JSON.stringify(body)}`);
  }
  return body;
}

export interface TestAccount extends CreateAccountResponse {
  email: string;
  password: string;
}

export async function newAccount(): Promise<TestAccount> {
  const email = `person${++accountCounter}-${crypto.randomUUID().slice(0, 8)}@clinic.example`;
  const password = 'correct horse battery staple';
  const response = await call('/api/accounts', {
    body: { email, password },
    headers: { 'cf-connecting-ip': `10.0.${accountCounter % 250}.${Math.floor(accountCounter / 250)}` },
  });
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
  send(message: unknown): void;
  /** The next message from the server, in order. */
  next(): Promise<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a WebSocket to `path` through the Worker and queues what the server sends. */
export async function openSocket(path: string): Promise<TestSocket> {
  const response = await SELF.fetch(`${ORIGIN}${path}`, { headers: { upgrade: 'websocket' } });
  const ws = response.webSocket;
  if (!ws) throw new Error(`no WebSocket: ${response.status} ${await response.text()}`);
  ws.accept();
  const queue: Record<string, unknown>[] = [];
  const waiters: ((message: Record<string, unknown>) => void)[] = [];
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(event.data as string) as Record<string, unknown>;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })),
  );
  return {
    ws,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next: () => {
      const queued = queue.shift();
      return queued ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
    },
    closed,
  };
}

let changeCounter = 0;

/** A change as a client would push it: an id of its own and opaque base64url bytes. */
export function fakeEncryptedChange(bytes = 64) {
  const data = new Uint8Array(bytes);
  // getRandomValues fills at most 64 KiB at a time.
  for (let offset = 0; offset < bytes; offset += 65_536) crypto.getRandomValues(data.subarray(offset, offset + 65_536));
  return { id: `change-${++changeCounter}-${crypto.randomUUID().slice(0, 8)}`, encryptedData: encodeBase64url(data) };
}

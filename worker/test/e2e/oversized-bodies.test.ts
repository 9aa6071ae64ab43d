/**
 * Bodies past their limit, sent in chunks without a Content-Length, against the Worker on workerd: each is answered
 * 413 and none disturbs the requests running beside it (issue 9, "Oversized streamed bodies"). Straight to workerd
 * (Miniflare), not through `wrangler dev`, whose proxy answers any connection its own runtime drops under load with a
 * 503 of its own (docs/api.md, share-code redeems): what is tested is the Worker's reading of bodies.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesPage, CreateAccountResponse, PushResult, Workspace } from '../../src/protocol/index.ts';
import { startMiniflareWorker, type MiniflareWorker } from '../../../scripts/miniflare-worker.ts';

const MiB = 1024 * 1024;
const OVERSIZED_POSTS = 40;
const OVERSIZED_BYTES = 2 * MiB;
const NORMAL_PUSHES = 40;

/** `bytes` of JSON-looking text in 64 KiB chunks, each after a turn of the event loop, so requests interleave. */
function chunkedBody(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode('['.padEnd(64 * 1024, ' '));
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      if (sent >= bytes) controller.close();
      else {
        controller.enqueue(chunk);
        sent += chunk.byteLength;
      }
    },
  });
}

describe('oversized bodies sent in chunks', () => {
  let worker: MiniflareWorker;

  beforeAll(async () => {
    worker = await startMiniflareWorker();
  });
  afterAll(async () => {
    await worker?.dispose();
  });

  const request = (path: string, init: RequestInit & { token?: string; json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${worker.url}${path}`, {
      ...init,
      headers,
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
      method: init.method ?? (init.json === undefined && init.body === undefined ? 'GET' : 'POST'),
    });
  };

  const oversizedPost = async (path: string, token: string) => {
    const response = await request(path, {
      token,
      headers: { 'content-type': 'application/json' },
      body: chunkedBody(OVERSIZED_BYTES),
      duplex: 'half',
    } as RequestInit & { token: string });
    const text = await response.text();
    return response.status === 413 ? `413 ${(JSON.parse(text) as { error: { code: string } }).error.code}` : `${response.status} ${text}`;
  };

  it('are refused with 413 while every request beside them is answered as if they were not there', async () => {
    const email = `bodies-${randomUUID()}@clinic.example`;
    const password = 'a long enough password';
    const created = await request('/api/accounts', { json: { email, password } });
    const { token } = (await created.json()) as CreateAccountResponse;
    const workspace = (await (await request('/api/workspaces', { token, json: { name: 'opaque' } })).json()) as Workspace;
    const changes = Array.from({ length: NORMAL_PUSHES }, (_, i) => ({ id: `change-${i}`, encryptedData: randomBytes(512).toString('base64url') }));

    const oversized = Array.from({ length: OVERSIZED_POSTS }, (_, i) =>
      oversizedPost(i % 2 === 0 ? '/api/accounts' : `/sync/${workspace.id}/changes`, token),
    );
    const pushes = changes.map(async (change) => {
      const response = await request(`/sync/${workspace.id}/changes`, { token, json: [change] });
      return { status: response.status, body: (await response.json()) as PushResult };
    });
    // A few sign-ups (ten a client address may make) and logins.
    const signUps = Array.from({ length: 5 }, async () => {
      const response = await request('/api/accounts', { json: { email: `beside-${randomUUID()}@clinic.example`, password: 'a long enough password' } });
      return response.status;
    });
    const logins = Array.from({ length: 10 }, async () => (await request('/api/login', { json: { email, password } })).status);
    const reads = Array.from({ length: 20 }, async () => (await request('/api/workspaces', { token })).status);

    expect(new Set(await Promise.all(oversized))).toEqual(new Set(['413 PAYLOAD_TOO_LARGE']));
    const pushed = await Promise.all(pushes);
    expect(pushed.map(({ status }) => status)).toEqual(changes.map(() => 200));
    pushed.forEach(({ body }, i) => expect(body.ids).toEqual([changes[i]!.id]));
    expect(await Promise.all(signUps)).toEqual(Array.from({ length: 5 }, () => 201));
    expect(await Promise.all(logins)).toEqual(Array.from({ length: 10 }, () => 200));
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 20 }, () => 200));

    const page = (await (await request(`/sync/${workspace.id}/changes?since=0&limit=1000`, { token })).json()) as ChangesPage;
    expect(page.changes.map(({ id }) => id).sort()).toEqual(changes.map(({ id }) => id).sort());
    expect(new Set(page.changes.map(({ version }) => version)).size).toBe(NORMAL_PUSHES);
  });
});

/**
 * Property-based fuzzing of every HTTP route (ROUTES) and of both sockets' messages: whatever arrives, the answer is
 * never a 5xx, every refusal has exactly the documented shape, and what is stored after a run mixing valid and
 * fuzzed requests is what the valid ones alone would have stored. Runs are few enough for CI; `FUZZ_RUNS=2000` runs
 * each property that many times locally. A failure prints fast-check's seed and shrunk counterexample.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ERROR_STATUS,
  ROUTES,
  SHARE_CODE_ALPHABET,
  type ChangesPage,
  type EncryptedChange,
  type Route,
} from '../src/protocol/index.ts';
import { call, fakeEncryptedChange, freshClientIp, joinedSyncSocket, newAccount, newWorkspace, openSocket, type TestAccount, type TestSocket } from './api-client.ts';

const FUZZ_RUNS = Number(import.meta.env.FUZZ_RUNS) || null;
const runs = (inCi: number) => ({ numRuns: FUZZ_RUNS ?? inCi });
const ERROR_CODES = Object.keys(ERROR_STATUS);

/** A handful of client addresses: rate limits may answer 429, which is a documented answer like any other. */
const ADDRESSES = ['2001:db8::f1', '2001:db8::f2', '2001:db8::f3'];

interface Fixture {
  member: TestAccount;
  outsider: TestAccount;
  workspaceId: string;
}

/** Text that is often nearly right: valid-looking values, their neighbours, and anything at all. */
const anyText = fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('', ' ', '\u0000', 'é'.repeat(20)));
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.dictionary(fc.constantFrom('email', 'password', 'name', 'id', 'encryptedData', 'roomId', 'peerId', 'data', 'joinSecret', 'upToVersion', 'snapshot', 'deviceToken'), fc.jsonValue({ maxDepth: 2 })));
const ROOMS = ['fuzz-room-a1', 'fuzz-room-b2', 'fuzz-room-c3'];
const shareCode = fc.string({ unit: fc.constantFrom(...SHARE_CODE_ALPHABET), minLength: 8, maxLength: 8 });

function paramValue(name: string, fixture: Fixture): fc.Arbitrary<string> {
  const valid: Record<string, fc.Arbitrary<string>> = {
    workspaceId: fc.oneof(fc.constant(fixture.workspaceId), fc.uuid({ version: 4 })),
    id: fc.oneof(fc.constant(fixture.workspaceId), fc.uuid({ version: 4 })),
    // A few rooms, not a new object per run: what is fuzzed is the input, not the runtime's object creation.
    roomId: fc.constantFrom(...ROOMS),
    code: shareCode,
  };
  return fc.oneof(valid[name] ?? fc.constant('x'), anyText.map(encodeURIComponent));
}

/** A request to `route`: its own method or another, any parameters, credentials, content type, query and body. */
function fuzzedRequest(route: Route, fixture: Fixture) {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  return fc.record({
    // Mostly what the route expects, so that most runs reach its validation rather than stop at the door.
    method: fc.oneof({ arbitrary: fc.constant(route.method), weight: 4 }, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH')),
    params: fc.tuple(...params.map((name) => paramValue(name, fixture))),
    // Header values are bytes: a browser refuses to send anything but Latin-1 in one.
    token: fc.oneof(fc.constant(fixture.member.token), fc.constant(fixture.outsider.token), fc.constant(undefined), fc.stringMatching(/^[\x20-\x7e]{0,40}$/)),
    contentType: fc.oneof({ arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'), weight: 3 }, fc.constantFrom('text/plain', undefined)),
    query: fc.oneof(fc.constant(''), fc.record({ since: anyText, limit: anyText }).map(({ since, limit }) => `?since=${encodeURIComponent(since)}&limit=${encodeURIComponent(limit)}`)),
    body: fc.oneof(fc.constant(undefined), anyText, { arbitrary: anyJson.map((value) => JSON.stringify(value)), weight: 4 }),
    address: fc.constantFrom(...ADDRESSES),
  });
}

type FuzzedRequest = ReturnType<typeof fuzzedRequest> extends fc.Arbitrary<infer T> ? T : never;

/** Sends `request` to `route`; never an upgrade, so the socket routes answer as plain HTTP. */
async function send(route: Route, request: FuzzedRequest) {
  let path: string = route.path;
  for (const value of request.params) path = path.replace(/:\w+/, value);
  const headers: Record<string, string> = { 'cf-connecting-ip': request.address };
  if (request.contentType) headers['content-type'] = request.contentType;
  if (typeof request.token === 'string') headers.authorization = `Bearer ${request.token}`;
  const body = request.method === 'GET' ? undefined : request.body;
  return call(`${path}${request.query}`, { method: request.method, headers, ...(body === undefined ? {} : { body }) });
}

/** Never a 5xx; a refusal is exactly `{"error":{"code","message"}}` with the status its code is documented with. */
async function expectDocumentedAnswer(response: Response, what: string): Promise<void> {
  const text = await response.text();
  expect(response.status, `${what} → ${response.status} ${text.slice(0, 200)}`).toBeLessThan(500);
  if (response.status < 400) return;
  const body = JSON.parse(text) as { error?: { code?: string; message?: unknown } };
  expect(Object.keys(body), `${what}: ${text}`).toEqual(['error']);
  expect(Object.keys(body.error ?? {}), `${what}: ${text}`).toEqual(['code', 'message']);
  expect(typeof body.error!.message, `${what}: ${text}`).toBe('string');
  expect(ERROR_STATUS[body.error!.code as keyof typeof ERROR_STATUS], `${what}: ${text}`).toBe(response.status);
}

let fixture: Fixture;

beforeAll(async () => {
  const [member, outsider] = await Promise.all([newAccount(), newAccount()]);
  fixture = { member, outsider, workspaceId: (await newWorkspace(member.token)).id };
});

describe('fuzzed HTTP requests', () => {
  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: never a 5xx, and every refusal in the documented shape',
    async (_name, route) => {
      await fc.assert(
        fc.asyncProperty(fuzzedRequest(route, fixture), async (request) => {
          await expectDocumentedAnswer(await send(route, request), `${request.method} ${route.path} ${JSON.stringify(request).slice(0, 300)}`);
        }),
        runs(25),
      );
    },
  );

  it('leaves a workspace holding exactly the changes of its valid pushes, whatever was sent between them', async () => {
    const pushRoute = ROUTES.find((route) => route.method === 'POST' && route.path === '/sync/:workspaceId/changes')!;
    const step = fc.oneof(
      fc.array(fc.constantFrom(...Array.from({ length: 6 }, (_, i) => `valid-${i}`)), { minLength: 1, maxLength: 3 }).map((ids) => ({ valid: ids })),
      fuzzedRequest(pushRoute, fixture).map((request) => ({ fuzzed: request })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const workspaceId = (await newWorkspace(fixture.member.token)).id;
        const stored = new Map<string, EncryptedChange>();
        const content = new Map<string, EncryptedChange>();
        for (const step of steps) {
          if ('valid' in step) {
            const changes = step.valid.map((id) => content.get(id) ?? { ...fakeEncryptedChange(), id: `${id}-${workspaceId.slice(0, 8)}` });
            changes.forEach((change, i) => content.set(step.valid[i]!, change));
            const response = await call(`/sync/${workspaceId}/changes`, { token: fixture.member.token, body: changes });
            expect(response.status).toBe(200);
            for (const change of changes) if (!stored.has(change.id)) stored.set(change.id, change);
          } else {
            const request = { ...step.fuzzed, params: [workspaceId] as [string] };
            const response = await send(pushRoute, request);
            // A fuzzed push that happens to be valid is a valid push: it counts like one.
            if (response.status === 200 && request.method === 'POST') {
              for (const change of JSON.parse(request.body!) as EncryptedChange[]) if (!stored.has(change.id)) stored.set(change.id, change);
            } else await expectDocumentedAnswer(response, JSON.stringify(request).slice(0, 300));
          }
        }
        const page = (await (await call(`/sync/${workspaceId}/changes?since=0&limit=1000`, { token: fixture.member.token })).json()) as ChangesPage;
        expect(page.changes.map(({ id, encryptedData }) => ({ id, encryptedData }))).toEqual([...stored.values()]);
      }),
      runs(6),
    );
  });
});

/** Any frame a client could send: JSON objects of every message type with fields right or wrong, or anything at all. */
function fuzzedFrame(types: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.record({ type: fc.oneof(fc.constantFrom(...types), anyText), fields: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }) }).map(({ type, fields }) => JSON.stringify({ ...fields, type })),
    anyJson.map((value) => JSON.stringify(value)),
    anyText,
  );
}

/** An error message from a socket, exactly as docs/api.md has it. */
function expectSocketError(message: Record<string, unknown>, what: string): void {
  expect(Object.keys(message).sort(), what).toEqual(['code', 'message', 'type']);
  expect(ERROR_CODES, what).toContain(message.code);
  expect(typeof message.message, what).toBe('string');
}

describe('fuzzed sync socket messages', () => {
  it('answer each numbered message once, refuse bad ones in the documented shape, and store only what was acknowledged', async () => {
    const step = fc.oneof(
      fc.constant({ push: true as const }),
      fuzzedFrame(['auth', 'join', 'push', 'pull', 'compact']).map((frame) => ({ frame })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const workspaceId = (await newWorkspace(fixture.member.token)).id;
        const socket = await joinedSyncSocket(fixture.member, workspaceId);
        const acknowledged = new Map<string, EncryptedChange>();
        for (const step of steps) {
          if ('push' in step) {
            const change = fakeEncryptedChange();
            socket.request({ type: 'push', changes: [change] });
            expect(await socket.next('ack')).toMatchObject({ type: 'ack', ids: [change.id] });
            acknowledged.set(change.id, change);
            continue;
          }
          let parsed: unknown;
          try {
            parsed = JSON.parse(step.frame);
          } catch {
            parsed = undefined;
          }
          const fields = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
          // A JSON object goes with the socket's next seq, so that it is answered once and in order; anything else
          // has no place in the order and is answered with an error.
          if (fields) socket.request(fields);
          else socket.send(step.frame);
          const answer = await socket.next(`the answer to ${step.frame.slice(0, 100)}`);
          if (answer.type === 'error') expectSocketError(answer, step.frame.slice(0, 200));
          if (answer.type === 'ack') {
            for (const change of fields!.changes as EncryptedChange[]) if (!acknowledged.has(change.id)) acknowledged.set(change.id, change);
          }
        }
        socket.request({ type: 'pull', sinceVersion: 0 });
        const page = (await socket.next('the final pull')) as unknown as ChangesPage;
        expect(page.changes.map(({ id, encryptedData }) => ({ id, encryptedData }))).toEqual([...acknowledged.values()]);
        socket.ws.close(1000);
      }),
      runs(10),
    );
  });
});

describe('fuzzed signalling messages', () => {
  it('are forwarded, or refused in the documented shape and closed with 1008 or 1009', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzedFrame(['auth', 'subscribe', 'unsubscribe', 'publish', 'ping']), async (frame) => {
        const socket: TestSocket = await openSocket(`/signal/${ROOMS[0]}`, { 'cf-connecting-ip': freshClientIp() });
        socket.send(frame);
        socket.send({ type: 'ping' });
        const answer = await socket.next(`the answer to ${frame.slice(0, 100)}`);
        if (answer.type === 'pong') {
          socket.ws.close(1000);
          return;
        }
        expectSocketError(answer, frame.slice(0, 200));
        expect([1008, 1009]).toContain((await socket.closed()).code);
      }),
      runs(30),
    );
  });
});

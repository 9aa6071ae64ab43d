import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_CHANGE_BYTES, type ChangesPage, type ListWorkspacesResponse } from '../src/protocol/index.ts';
import { emailAccount } from '../src/email-account.ts';
import { call, expectError, fakeEncryptedChange, newAccount, newWorkspace, type TestAccount } from './api-client.ts';

interface BadRequest {
  name: string;
  method?: string;
  path: (ctx: Ctx) => string;
  body?: unknown;
  /** Send the body as-is rather than JSON-encoded. */
  raw?: string;
  headers?: Record<string, string>;
  auth?: boolean;
  status: number;
  code: string;
}

interface Ctx {
  account: TestAccount;
  workspaceId: string;
}

const accounts = '/api/accounts';
const sync = (ctx: Ctx) => `/sync/${ctx.workspaceId}/changes`;
const okChange = () => fakeEncryptedChange();

const table: BadRequest[] = [
  { name: 'malformed JSON', path: () => accounts, raw: '{"email": ', status: 400, code: 'INVALID_JSON' },
  { name: 'empty body', path: () => accounts, raw: '', status: 400, code: 'INVALID_JSON' },
  { name: 'a JSON array for an object', path: () => accounts, body: [], status: 400, code: 'INVALID_INPUT' },
  { name: 'a missing password', path: () => accounts, body: { email: 'x@clinic.example' }, status: 400, code: 'INVALID_INPUT' },
  { name: 'a numeric email', path: () => accounts, body: { email: 42, password: 'long enough password' }, status: 400, code: 'INVALID_INPUT' },
  { name: 'an invalid email', path: () => accounts, body: { email: 'not-an-email', password: 'long enough password' }, status: 400, code: 'INVALID_INPUT' },
  { name: 'a short password', path: () => accounts, body: { email: 'short@clinic.example', password: 'elevenchars' }, status: 400, code: 'INVALID_INPUT' },
  { name: 'a password over 1024 characters', path: () => accounts, body: { email: 'long@clinic.example', password: 'x'.repeat(1025) }, status: 400, code: 'INVALID_INPUT' },
  { name: 'a non-JSON content type', path: () => accounts, raw: 'email=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'an oversized body', path: () => accounts, raw: JSON.stringify({ email: 'big@clinic.example', password: 'x'.repeat(20_000) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'a login with a wrong type', path: () => '/api/login', body: { email: 'x@clinic.example', password: ['a'] }, status: 400, code: 'INVALID_INPUT' },
  { name: 'an unknown route', method: 'GET', path: () => '/api/nothing-here', status: 404, code: 'NOT_FOUND' },
  { name: 'a wrong method', method: 'DELETE', path: () => accounts, status: 405, code: 'METHOD_NOT_ALLOWED' },
  { name: 'a workspace without a name', path: () => '/api/workspaces', body: {}, auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a workspace name over 1 KiB', path: () => '/api/workspaces', body: { name: 'é'.repeat(513) }, auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a malformed join verifier', path: () => '/api/workspaces', body: { name: 'n', joinVerifier: 'short' }, auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a workspace without a token', path: () => '/api/workspaces', body: { name: 'n' }, status: 401, code: 'UNAUTHORIZED' },
  { name: 'a join without a secret', path: (c) => `/api/workspaces/${c.workspaceId}/join`, body: {}, auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a join secret that is not base64url', path: (c) => `/api/workspaces/${c.workspaceId}/join`, body: { joinSecret: '!!!!!!!!!!!!!!!!!!!!!!!!' }, auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a push that is not an array', path: sync, body: { changes: [] }, auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'an empty push', path: sync, body: [], auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a change without an id', path: sync, body: [{ encryptedData: 'AAAA' }], auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a change id with spaces', path: sync, body: [{ id: 'a b', encryptedData: 'AAAA' }], auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'data that is not base64url', path: sync, body: [{ id: 'a', encryptedData: 'not base64!' }], auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a change over 256 KiB', path: sync, body: [{ id: 'a', encryptedData: 'A'.repeat(MAX_CHANGE_BYTES + 1) }], auth: true, status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'a push over 1 MiB', path: sync, raw: JSON.stringify(Array.from({ length: 5 }, (_, i) => ({ id: `c${i}`, encryptedData: 'A'.repeat(MAX_CHANGE_BYTES - 10) }))), auth: true, status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'a good change next to a bad one', path: sync, body: [{ id: 'good', encryptedData: 'AAAA' }, { id: 'bad' }], auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a negative since', method: 'GET', path: (c) => `${sync(c)}?since=-1`, auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a limit of zero', method: 'GET', path: (c) => `${sync(c)}?limit=0`, auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a limit over the maximum', method: 'GET', path: (c) => `${sync(c)}?limit=100000`, auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a malformed workspace id', method: 'GET', path: () => '/sync/not-a-uuid/changes', auth: true, status: 404, code: 'NOT_FOUND' },
  { name: 'a snapshot without upToVersion', path: (c) => `/sync/${c.workspaceId}/snapshot`, body: { snapshot: { id: 's', encryptedData: 'AAAA' } }, auth: true, status: 400, code: 'INVALID_INPUT' },
  { name: 'a snapshot at version zero', path: (c) => `/sync/${c.workspaceId}/snapshot`, body: { snapshot: { id: 's', encryptedData: 'AAAA' }, upToVersion: 0 }, auth: true, status: 400, code: 'INVALID_INPUT' },
];

/** Every email a row of the table sends: none of them may end up with an account. */
const tableEmails = table.flatMap((row) => {
  let body = row.body;
  try {
    body = row.raw === undefined ? body : JSON.parse(row.raw);
  } catch {
    // Malformed on purpose: it names no email.
  }
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? [email] : [];
});

describe('bad input', () => {
  let ctx: Ctx;
  let baseline: Awaited<ReturnType<typeof snapshotState>>;

  /** What this file's requests could change: its own workspace, its account's list, and the accounts the table names. */
  const snapshotState = async () => {
    const page = (await (await call(`/sync/${ctx.workspaceId}/changes`, { token: ctx.account.token })).json()) as ChangesPage;
    const list = (await (await call('/api/workspaces', { token: ctx.account.token })).json()) as ListWorkspacesResponse;
    const accounts = await Promise.all(tableEmails.map(async (email) => (await emailAccount(env, email).account()) !== null));
    return { version: page.latestVersion, workspaces: list.workspaces.length, accounts };
  };

  beforeAll(async () => {
    const account = await newAccount();
    const workspace = await newWorkspace(account.token);
    await call(`/sync/${workspace.id}/changes`, { token: account.token, body: [okChange()] });
    ctx = { account, workspaceId: workspace.id };
    baseline = await snapshotState();
  });

  it.each(table)('answers $name with $status $code and changes nothing', async (row) => {
    const headers: Record<string, string> = { ...row.headers };
    const hasBody = row.raw !== undefined || row.body !== undefined;
    if (hasBody) headers['content-type'] ??= 'application/json';
    const response = await call(row.path(ctx), {
      method: row.method ?? 'POST',
      body: row.raw ?? row.body,
      headers,
      ...(row.auth ? { token: ctx.account.token } : {}),
    });
    await expectError(response, row.status, row.code);
    expect(await snapshotState()).toEqual(baseline);
  });

});

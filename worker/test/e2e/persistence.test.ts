import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesPage, CreateAccountResponse, LoginResponse, PushResult, Workspace } from '../../src/protocol/index.ts';
import { startScratchWorker, type ScratchWorker } from '../../../scripts/test-worker.ts';
import { postJson } from './worker-http.ts';

describe('the Worker with on-disk state', () => {
  let scratch: ScratchWorker;

  beforeAll(async () => {
    scratch = await startScratchWorker();
  });
  afterAll(async () => {
    await scratch?.dispose();
  });

  const post = <T>(path: string, body: unknown, token?: string) => postJson<T>(scratch.url, path, body, token);

  it('keeps accounts, workspaces and every pushed change across a restart', async () => {
    const email = `restart-${randomUUID()}@clinic.example`;
    const password = 'survives a restart';
    const { token } = await post<CreateAccountResponse>('/api/accounts', { email, password });
    const workspace = await post<Workspace>('/api/workspaces', { name: 'opaque' }, token);
    const changes = Array.from({ length: 50 }, (_, i) => ({ id: `change-${i}`, encryptedData: randomBytes(1024).toString('base64url') }));
    const pushed = await post<PushResult>(`/sync/${workspace.id}/changes`, changes, token);
    expect(pushed.versions).toEqual(changes.map((_, i) => i + 1));

    await scratch.restart();

    const login = await post<LoginResponse>('/api/login', { email, password });
    const list = await fetch(`${scratch.url}/api/workspaces`, { headers: { authorization: `Bearer ${login.token}` } });
    expect(((await list.json()) as { workspaces: Workspace[] }).workspaces).toEqual([workspace]);

    const response = await fetch(`${scratch.url}/sync/${workspace.id}/changes?since=0&limit=1000`, {
      headers: { authorization: `Bearer ${login.token}` },
    });
    const page = (await response.json()) as ChangesPage;
    expect(page).toEqual({
      changes: changes.map((change, i) => ({ ...change, version: i + 1, author: expect.any(String) })),
      latestVersion: expect.any(Number),
      more: false,
    });
    // A restarted room's head is past every version it reserved, some of which a crash may have lost after their fan-out.
    expect(page.latestVersion).toBeGreaterThanOrEqual(50);
  });
});

import { describe, expect, it } from 'vitest';
import { AUTHOR_PATTERN, MAX_CHANGE_BYTES, MAX_SYNC_MESSAGE_BYTES, type ChangesPage, type PushResult } from '../src/protocol/index.ts';
import { call, expectError, fakeEncryptedChange, newAccount, newWorkspace } from './api-client.ts';

async function memberWithWorkspace() {
  const account = await newAccount();
  const workspace = await newWorkspace(account.token);
  const push = async (changes: unknown) => call(`/sync/${workspace.id}/changes`, { token: account.token, body: changes });
  const pull = async (query: string) => (await (await call(`/sync/${workspace.id}/changes${query}`, { token: account.token })).json()) as ChangesPage;
  return { account, workspace, push, pull };
}

describe('sync over REST', () => {
  it('assigns strictly increasing versions and returns every change with id, data and version', async () => {
    const { push, pull } = await memberWithWorkspace();
    const changes = [fakeEncryptedChange(), fakeEncryptedChange(), fakeEncryptedChange()];
    const response = await push(changes);
    expect(response.status).toBe(200);
    const result = (await response.json()) as PushResult;
    expect(result.ids).toEqual(changes.map((c) => c.id));
    expect(result.versions).toEqual([1, 2, 3]);
    const page = await pull('?since=0');
    expect(page).toEqual({ changes: changes.map((c, i) => ({ ...c, version: i + 1, author: expect.stringMatching(AUTHOR_PATTERN) })), latestVersion: 3, more: false });
  });

  it('treats a re-pushed id as a no-op that returns the original version', async () => {
    const { push, pull } = await memberWithWorkspace();
    const first = fakeEncryptedChange();
    await push([first]);
    const second = fakeEncryptedChange();
    const again = (await (await push([second, first])).json()) as PushResult;
    expect(again.versions).toEqual([2, 1]);
    expect((await pull('?since=0')).changes.map((c) => c.id)).toEqual([first.id, second.id]);
  });

  it('pages a pull by limit and reports more until the end', async () => {
    const { push, pull } = await memberWithWorkspace();
    await push(Array.from({ length: 7 }, () => fakeEncryptedChange()));
    const first = await pull('?since=0&limit=3');
    expect(first.changes.map((c) => c.version)).toEqual([1, 2, 3]);
    expect(first.more).toBe(true);
    const second = await pull('?since=3&limit=3');
    expect(second.changes.map((c) => c.version)).toEqual([4, 5, 6]);
    const last = await pull('?since=6&limit=3');
    expect(last).toMatchObject({ latestVersion: 7, more: false });
    expect(last.changes.map((c) => c.version)).toEqual([7]);
  });

  it('cuts a page before it would exceed 1 MiB', async () => {
    const { push, pull } = await memberWithWorkspace();
    const big = () => fakeEncryptedChange(Math.floor((MAX_CHANGE_BYTES * 3) / 4) - 16);
    for (let i = 0; i < 5; i++) expect((await push([big()])).status).toBe(200);
    const page = await pull('?since=0&limit=1000');
    expect(page.changes.length).toBeLessThan(5);
    expect(JSON.stringify(page).length).toBeLessThanOrEqual(MAX_SYNC_MESSAGE_BYTES);
    expect(page.more).toBe(true);
    const rest = await pull(`?since=${page.changes.at(-1)!.version}&limit=1000`);
    expect(page.changes.length + rest.changes.length).toBe(5);
  });

  it('compacts: deletes changes up to the snapshot and starts older pulls with it', async () => {
    const { workspace, account, push, pull } = await memberWithWorkspace();
    await push(Array.from({ length: 5 }, () => fakeEncryptedChange()));
    const snapshot = fakeEncryptedChange(200);
    const response = await call(`/sync/${workspace.id}/snapshot`, { token: account.token, body: { snapshot, upToVersion: 4 } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ upToVersion: 4 });

    const fromStart = await pull('?since=0');
    expect(fromStart.changes.map((c) => [c.version, c.snapshot ?? false])).toEqual([[4, true], [5, false]]);
    expect(fromStart.changes[0]).toMatchObject(snapshot);
    const fromAfter = await pull('?since=4');
    expect(fromAfter.changes.map((c) => c.version)).toEqual([5]);

    const next = (await (await push([fakeEncryptedChange()])).json()) as PushResult;
    expect(next.versions).toEqual([6]);
  });

  it('refuses a snapshot beyond the latest version or behind the current one, changing nothing', async () => {
    const { workspace, account, push, pull } = await memberWithWorkspace();
    await push([fakeEncryptedChange(), fakeEncryptedChange()]);
    const snapshotAt = (upToVersion: number) =>
      call(`/sync/${workspace.id}/snapshot`, { token: account.token, body: { snapshot: fakeEncryptedChange(), upToVersion } });
    await expectError(await snapshotAt(3), 400, 'INVALID_INPUT');
    expect((await pull('?since=0')).changes).toHaveLength(2);
    expect((await snapshotAt(2)).status).toBe(200);
    await expectError(await snapshotAt(1), 409, 'CONFLICT');
  });

  it('keeps each workspace\'s versions and changes to itself', async () => {
    const a = await memberWithWorkspace();
    const b = await memberWithWorkspace();
    await a.push([fakeEncryptedChange(), fakeEncryptedChange()]);
    await b.push([fakeEncryptedChange()]);
    expect((await a.pull('?since=0')).latestVersion).toBe(2);
    expect((await b.pull('?since=0')).changes.map((c) => c.version)).toEqual([1]);
  });
});

import { json, type IRequest } from 'itty-router';
import {
  MAX_SMALL_BODY_BYTES,
  ProtocolError,
  isWorkspaceId,
  parseCreateWorkspace,
  parseJoinWorkspace,
  type ListWorkspacesResponse,
  type Workspace,
} from './protocol/index.ts';
import type { Env } from './env.ts';
import { readJsonBody } from './json-body.ts';
import { unwrap } from './room-result.ts';
import { authenticate } from './tokens.ts';

/**
 * Membership is decided by each workspace's SyncRoom (strongly consistent); ACCOUNTS keeps, per account,
 * an index `member:<accountId>:<workspaceId>` so that listing needs no fan-out to every room.
 */
const membershipKey = (accountId: string, workspaceId: string) => `member:${accountId}:${workspaceId}`;

export function syncRoom(env: Env, workspaceId: string) {
  return env.SYNC_ROOM.get(env.SYNC_ROOM.idFromName(workspaceId));
}

/** Validates a workspace id from a path before any object is touched. */
export function workspaceIdParam(raw: string | undefined): string {
  if (!raw || !isWorkspaceId(raw)) throw new ProtocolError('NOT_FOUND', 'workspace not found');
  return raw;
}

/** `POST /api/workspaces` */
export async function createWorkspace(request: Request, env: Env): Promise<Response> {
  const accountId = await authenticate(request, env.JWT_SECRET);
  const input = parseCreateWorkspace(await readJsonBody(request, MAX_SMALL_BODY_BYTES));
  const workspace: Workspace = { id: input.id ?? crypto.randomUUID(), name: input.name, createdAt: Date.now() };
  unwrap(await syncRoom(env, workspace.id).initialize({ ...workspace, ownerId: accountId, joinVerifier: input.joinVerifier ?? null }));
  await env.ACCOUNTS.put(membershipKey(accountId, workspace.id), JSON.stringify(workspace));
  return json(workspace, { status: 201 });
}

/** `GET /api/workspaces` */
export async function listWorkspaces(request: Request, env: Env): Promise<Response> {
  const accountId = await authenticate(request, env.JWT_SECRET);
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.ACCOUNTS.list({ prefix: membershipKey(accountId, ''), ...(cursor ? { cursor } : {}) });
    keys.push(...page.keys.map((key) => key.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  const workspaces = (await Promise.all(keys.map((key) => env.ACCOUNTS.get<Workspace>(key, 'json'))))
    .filter((workspace): workspace is Workspace => workspace !== null)
    .sort((a, b) => a.createdAt - b.createdAt);
  return json({ workspaces } satisfies ListWorkspacesResponse);
}

/** `POST /api/workspaces/:id/join`: a wrong secret and an unknown workspace get the same refusal. */
export async function joinWorkspace(request: IRequest, env: Env): Promise<Response> {
  const accountId = await authenticate(request, env.JWT_SECRET);
  const { joinSecret } = parseJoinWorkspace(await readJsonBody(request, MAX_SMALL_BODY_BYTES));
  const workspaceId = request.params.id;
  if (!workspaceId || !isWorkspaceId(workspaceId)) throw new ProtocolError('JOIN_REFUSED', 'the join secret does not open this workspace');
  const workspace = unwrap(await syncRoom(env, workspaceId).join(accountId, joinSecret));
  await env.ACCOUNTS.put(membershipKey(accountId, workspace.id), JSON.stringify(workspace));
  return json(workspace);
}

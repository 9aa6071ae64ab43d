import { json, type IRequest } from 'itty-router';
import {
  DEFAULT_PULL_LIMIT,
  MAX_PULL_LIMIT,
  MAX_SYNC_MESSAGE_BYTES,
  ProtocolError,
  expectObject,
  parseChanges,
  parseCompact,
  parseIntegerParam,
} from './protocol/index.ts';
import type { Env } from './env.ts';
import { readJsonBody } from './json-body.ts';
import { unwrap } from './room-result.ts';
import { authenticate } from './tokens.ts';
import { syncRoom, workspaceIdParam } from './workspaces.ts';
import { withoutCompression } from './websocket-compression.ts';

/** `GET /sync/:workspaceId` with `Upgrade: websocket`: the room authenticates the socket's first messages itself. */
export async function openSyncSocket(request: IRequest, env: Env): Promise<Response> {
  const workspaceId = workspaceIdParam(request.params.workspaceId);
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    throw new ProtocolError('UPGRADE_REQUIRED', 'this route only speaks WebSocket');
  }
  return withoutCompression(await syncRoom(env, workspaceId).fetch(request));
}

/** `POST /sync/:workspaceId/changes`: the REST fallback of `push`. */
export async function pushChanges(request: IRequest, env: Env): Promise<Response> {
  const workspaceId = workspaceIdParam(request.params.workspaceId);
  const accountId = await authenticate(request, env.JWT_SECRET);
  const body = await readJsonBody(request, MAX_SYNC_MESSAGE_BYTES);
  if (!Array.isArray(body)) throw new ProtocolError('INVALID_INPUT', 'body must be an array of changes');
  const changes = parseChanges(body);
  return json(unwrap(await syncRoom(env, workspaceId).pushChanges(accountId, changes)));
}

/** `GET /sync/:workspaceId/changes?since=N&limit=M`: the REST fallback of `pull`. */
export async function pullChanges(request: IRequest, env: Env): Promise<Response> {
  const workspaceId = workspaceIdParam(request.params.workspaceId);
  const accountId = await authenticate(request, env.JWT_SECRET);
  const url = new URL(request.url);
  const since = parseIntegerParam(url.searchParams.get('since'), 'since', 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = parseIntegerParam(url.searchParams.get('limit'), 'limit', DEFAULT_PULL_LIMIT, 1, MAX_PULL_LIMIT);
  return json(unwrap(await syncRoom(env, workspaceId).pullChanges(accountId, since, limit)));
}

/** `POST /sync/:workspaceId/snapshot`: the REST form of `compact`. */
export async function compactWorkspace(request: IRequest, env: Env): Promise<Response> {
  const workspaceId = workspaceIdParam(request.params.workspaceId);
  const accountId = await authenticate(request, env.JWT_SECRET);
  const compact = parseCompact(expectObject(await readJsonBody(request, MAX_SYNC_MESSAGE_BYTES)));
  return json(unwrap(await syncRoom(env, workspaceId).compact(accountId, compact)));
}

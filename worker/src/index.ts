import { Router, json, type IRequest } from 'itty-router';
import { ProtocolError, ROUTE_PATHS } from './protocol/index.ts';
import { createAccount, login, refreshSession } from './accounts.ts';
import { corsFor } from './cors.ts';
import type { Env } from './env.ts';
import { errorResponse } from './error-response.ts';
import { announcePeer, listPeers } from './presence.ts';
import { createShareCode, redeemShareCode } from './share-codes.ts';
import { openSignalSocket } from './signal-room.ts';
import { compactWorkspace, openSyncSocket, pullChanges, pushChanges } from './sync.ts';
import { createWorkspace, joinWorkspace, listWorkspaces } from './workspaces.ts';

export { EmailAccount } from './email-account.ts';
export { RateLimiter } from './rate-limiter.ts';
export { ShareCodeShard } from './share-codes.ts';
export { SignalRoom } from './signal-room.ts';
export { SyncRoom } from './sync-room.ts';

const methodNotAllowed = (request: IRequest) => {
  throw new ProtocolError('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${new URL(request.url).pathname}`);
};
const notFound = () => {
  throw new ProtocolError('NOT_FOUND', 'no such route');
};

const router = Router<IRequest, [Env, ExecutionContext]>({
  before: [(request, env) => corsFor(env).preflight(request)],
  catch: errorResponse,
  finally: [(response: Response, request: IRequest, env: Env) => corsFor(env).corsify(response, request)],
});

router
  .get('/api/health', () => json({ ok: true }))
  .post('/api/accounts', createAccount)
  .post('/api/login', login)
  .post('/api/sessions/refresh', refreshSession)
  .get('/api/workspaces', listWorkspaces)
  .post('/api/workspaces', createWorkspace)
  .post('/api/workspaces/:id/join', joinWorkspace)
  .get('/sync/:workspaceId', openSyncSocket)
  .get('/sync/:workspaceId/changes', pullChanges)
  .post('/sync/:workspaceId/changes', pushChanges)
  .post('/sync/:workspaceId/snapshot', compactWorkspace)
  .post('/api/share-codes', createShareCode)
  .post('/api/share-codes/:code/redeem', redeemShareCode)
  .get('/signal/:roomId', openSignalSocket)
  .post('/room/:roomId/announce', announcePeer)
  .get('/room/:roomId/peers', listPeers);
for (const path of ROUTE_PATHS) router.all(path, methodNotAllowed);
router.all('*', notFound);

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;

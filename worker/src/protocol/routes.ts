/**
 * Every HTTP route of the Worker, by method and itty-router path: what `worker/src/index.ts` wires (any other method
 * on one of these paths is 405) and what the fuzz tests enumerate. Payloads and answers are in docs/api.md.
 */
export const ROUTES = [
  { method: 'GET', path: '/api/health' },
  { method: 'POST', path: '/api/accounts' },
  { method: 'POST', path: '/api/login' },
  { method: 'POST', path: '/api/sessions/refresh' },
  { method: 'GET', path: '/api/workspaces' },
  { method: 'POST', path: '/api/workspaces' },
  { method: 'POST', path: '/api/workspaces/:id/join' },
  { method: 'GET', path: '/sync/:workspaceId', webSocket: true },
  { method: 'GET', path: '/sync/:workspaceId/changes' },
  { method: 'POST', path: '/sync/:workspaceId/changes' },
  { method: 'POST', path: '/sync/:workspaceId/snapshot' },
  { method: 'POST', path: '/api/share-codes' },
  { method: 'POST', path: '/api/share-codes/:code/redeem' },
  { method: 'GET', path: '/signal/:roomId', webSocket: true },
  { method: 'POST', path: '/room/:roomId/announce' },
  { method: 'GET', path: '/room/:roomId/peers' },
] as const satisfies readonly { method: 'GET' | 'POST'; path: string; webSocket?: true }[];

export type Route = (typeof ROUTES)[number];

/** Each path once, for the 405 of any other method on it. */
export const ROUTE_PATHS: readonly string[] = [...new Set(ROUTES.map((route) => route.path))];

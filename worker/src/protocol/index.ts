/** The wire protocol of p2p-clinic, shared by the Worker and the client: routes' payloads, messages, limits, errors. */
export * from './errors.ts';
export * from './limits.ts';
export * from './validation.ts';
export * from './accounts.ts';
export * from './workspaces.ts';
export * from './sync.ts';
export * from './base64url.ts';
export * from './signalling.ts';
export * from './routes.ts';

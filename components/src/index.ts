/**
 * What the app build publishes as `p2p-components.js` for other sites to load (see docs/embedding.md): the client
 * core's public API. The Lit elements register themselves from here as they land.
 */
export * from './core/index.ts';

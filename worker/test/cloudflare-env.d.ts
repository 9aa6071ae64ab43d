import type { Env as WorkerEnv } from '../src/env.ts';

// `env` from cloudflare:test has the Worker's own bindings.
declare global {
  namespace Cloudflare {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Env extends WorkerEnv {}
  }
}

import type { Env as WorkerEnv } from '../src/env.ts';

// `env` from cloudflare:test has the Worker's own bindings.
declare global {
  namespace Cloudflare {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Env extends WorkerEnv {}
  }
}

// What vitest.config.ts passes to the workerd tests from the shell (import.meta.env is vitest's view of it).
declare global {
  interface ImportMeta {
    readonly env: { readonly FUZZ_RUNS?: string };
  }
}

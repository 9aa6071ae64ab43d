import { cors } from 'itty-router';
import type { Env } from './env.ts';

type CorsPair = ReturnType<typeof cors>;

/** Response headers a browser page may read; the rest of CORS's safelist is readable anyway. */
const EXPOSED_HEADERS = ['retry-after'];

// Settings do not change while an isolate lives; build the pair once per distinct setting.
const pairs = new Map<string, CorsPair>();

/** CORS for the origins configured in ALLOWED_ORIGINS: the app and the sites that embed the components. */
export function corsFor(env: Env): CorsPair {
  const setting = env.ALLOWED_ORIGINS ?? '';
  let pair = pairs.get(setting);
  if (!pair) {
    const allowed = allowedOrigins(setting);
    const itty = cors({
      origin: (origin: string) => (allowed.includes(origin) ? origin : undefined),
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['authorization', 'content-type'],
      maxAge: 86_400,
    });
    pair = { preflight: itty.preflight, corsify: (response, request) => exposeHeaders(itty.corsify(response, request)) };
    pairs.set(setting, pair);
  }
  return pair;
}

/**
 * `Access-Control-Expose-Headers` belongs on the response itself (itty-router puts it only on preflights), so that
 * a page allowed to read the response can read its `Retry-After`.
 */
function exposeHeaders(response: Response): Response {
  if (!response.headers.get('access-control-allow-origin')) return response;
  const exposed = EXPOSED_HEADERS.filter((name) => response.headers.has(name));
  if (exposed.length > 0) response.headers.set('access-control-expose-headers', exposed.join(', '));
  return response;
}

export function allowedOrigins(setting: string): string[] {
  return setting
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

import { cors } from 'itty-router';
import type { Env } from './env.ts';

type CorsPair = ReturnType<typeof cors>;

// Settings do not change while an isolate lives; build the pair once per distinct setting.
const pairs = new Map<string, CorsPair>();

/** CORS for the origins configured in ALLOWED_ORIGINS: the app and the sites that embed the components. */
export function corsFor(env: Env): CorsPair {
  const setting = env.ALLOWED_ORIGINS ?? '';
  let pair = pairs.get(setting);
  if (!pair) {
    const allowed = allowedOrigins(setting);
    pair = cors({
      origin: (origin: string) => (allowed.includes(origin) ? origin : undefined),
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['authorization', 'content-type'],
      exposeHeaders: ['retry-after'],
      maxAge: 86_400,
    });
    pairs.set(setting, pair);
  }
  return pair;
}

export function allowedOrigins(setting: string): string[] {
  return setting
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

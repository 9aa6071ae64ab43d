/// <reference lib="webworker" />
/**
 * The app's service worker: precaches the shell (every file of the build, listed by app/build/precache.ts) so
 * that after the first visit the app opens with no network, and serves it cache first. A new build installs
 * beside the running one and waits: the page offers the update (app/src/update-offer.ts) and the worker takes over
 * only when the person accepts, never in the middle of an edit. Only the app's own files are cached; the Worker's
 * API and sync are another origin and never pass through here.
 */
export {};
declare const self: ServiceWorkerGlobalScope & { __P2P_PRECACHE__: { version: string; urls: string[] } };

const precache = self.__P2P_PRECACHE__;
const CACHE_PREFIX = 'p2p-clinic-shell-';
const cacheName = `${CACHE_PREFIX}${precache.version}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(cacheName).then((cache) => cache.addAll(precache.urls)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith(CACHE_PREFIX) && name !== cacheName) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'skip-waiting') void self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(cacheName);
      // Every route of the app (deep links included) is the same shell.
      // Vary is ignored: module scripts are requested with an Origin header the precache requests lacked, and a
      // server's `Vary: Origin` would otherwise make every one of them miss.
      const cached = request.mode === 'navigate' ? await cache.match('./') : await cache.match(request, { ignoreVary: true });
      return cached ?? fetch(request);
    })(),
  );
});

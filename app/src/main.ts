/** The installed app: `<p2p-app>` against this deployment's Worker, and the offline shell's service worker. */
import '../../components/src/define/p2p-app.ts';
import { offerUpdates } from './update-offer.ts';

// Created here rather than in index.html, so that it opens knowing its Worker.
const app = document.createElement('p2p-app');
app.workerUrl = import.meta.env.VITE_WORKER_URL ?? 'http://127.0.0.1:8787';
document.body.append(app);

// Only the build has a worker to register; the dev server (the one with hot reload) serves sources, never cached.
if (!import.meta.hot && 'serviceWorker' in navigator) void offerUpdates('./sw.js');

/**
 * Signalling benchmark: one publisher and M subscribers in one room of the local Worker's `/signal/:roomId`
 * (a SignalRoom Durable Object in workerd). The publisher sends messages the size of a y-webrtc offer; every
 * subscriber must receive each one. The same workload runs against y-webrtc's bundled signalling server
 * (node_modules/y-webrtc/bin/server.js), RUNS times each, alternating which goes first; the ratios are summarised as
 * min/median/max with PASS/FAIL against issue 13's budgets (median ≥ 1.0× for burst throughput and paced p50).
 *
 * Two phases per run, after an uncounted warm-up: paced (RATE messages/s) for latency, and a burst (BURST messages
 * at once) for throughput. Both sides get the same `ws` clients offering the same extensions (none;
 * OFFER_DEFLATE=1 offers permessage-deflate) and the same messages; bytes on the wire and the CPU time of the
 * harness and of each server process are printed. What differs by design: the SignalRoom's sockets hibernate and
 * survive in a Durable Object (its subscriptions in socket attachments), and it bounds rooms, topics and sizes;
 * y-webrtc's server is one in-memory process.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ROOT } from '../local-worker.ts';
import { startScratchWorker } from '../test-worker.ts';
import { compareAndExit, localWorkerProcesses, measurePhases, startNodeServer, workerdEntryUrl, workerdRoute, type ComparedSystem, type Measurement } from './comparison.ts';
import { DeliveryLog, type DeliveryResult } from './deliveries.ts';
import type { ProcessGroups } from './process-cpu.ts';
import { sleep } from './stats.ts';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 20);
const RATE = Number(process.env.RATE ?? 50);
const PACED_SECONDS = Number(process.env.SECONDS ?? 5);
const BURST = Number(process.env.BURST ?? 500);
const WARM_UP = Number(process.env.WARM_UP ?? 100);
const RUNS = Number(process.env.RUNS ?? 3);
const OFFER_DEFLATE = process.env.OFFER_DEFLATE === '1';
/** A sealed y-webrtc offer with a few ICE candidates, base64-encoded. */
const MESSAGE_BYTES = 2048;
const TOPIC = 'bench-topic';
const BUDGET = 1.0;
/**
 * BARE=1 puts a Durable Object that forwards every frame unread (worker/bench/bare-fan-out/worker.ts) in SignalRoom's place: the
 * floor that workerd's own per-frame cost sets, against which what SignalRoom adds can be read.
 */
const BARE = process.env.BARE === '1';

interface SignallingSystem {
  name: string;
  /** A fresh room's URL for each run. */
  newRoomUrl(): string;
  /** The account token each socket signs in with, as the app's devices do; none for y-webrtc's server. */
  token?: string;
  processes(): ProcessGroups;
  stop(): Promise<void>;
}

async function open(url: string, token?: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: OFFER_DEFLATE });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  if (token) await signIn(ws, token);
  return ws;
}

/** Signs the socket in and waits until the room says so, so that the next socket from this address is let in. */
async function signIn(ws: WebSocket, token: string): Promise<void> {
  const signedIn = new Promise<void>((resolve, reject) =>
    ws.on('message', function onAuth(raw) {
      const message = JSON.parse(raw.toString()) as { type: string; code?: string };
      if (message.type === 'error') reject(new Error(`the room refused the sign-in: ${message.code}`));
      if (message.type !== 'auth-ok') return;
      ws.off('message', onAuth);
      resolve();
    }),
  );
  ws.send(JSON.stringify({ type: 'auth', token }));
  await signedIn;
}

/** Subscribes and waits for the pong that follows, so the subscription is in place before anything is published. */
async function subscribe(ws: WebSocket): Promise<void> {
  const ponged = new Promise<void>((resolve) =>
    ws.on('message', function onPong(raw) {
      if ((JSON.parse(raw.toString()) as { type: string }).type !== 'pong') return;
      ws.off('message', onPong);
      resolve();
    }),
  );
  ws.send(JSON.stringify({ type: 'subscribe', topics: [TOPIC] }));
  ws.send(JSON.stringify({ type: 'ping' }));
  await ponged;
}

/** A fresh room, its publisher and subscribers connected and warmed up, then the measured phases. */
function compared(system: SignallingSystem): ComparedSystem {
  return {
    name: system.name,
    async measure(): Promise<Measurement> {
      const url = system.newRoomUrl();
      const publisher = await open(url, system.token);
      const subscribers: WebSocket[] = [];
      let current: DeliveryLog | null = null;
      for (let i = 0; i < SUBSCRIBERS; i++) {
        const ws = await open(url, system.token);
        ws.once('close', (code) => current?.abort(`subscriber ${i}'s socket closed (${code})`));
        await subscribe(ws);
        ws.on('message', (raw) => {
          const message = JSON.parse(raw.toString()) as { type: string; data?: { id: string } };
          if (message.type === 'publish' && message.data) current?.arrived(i, message.data.id);
        });
        subscribers.push(ws);
      }
      const padding = randomBytes(MESSAGE_BYTES * 0.75).toString('base64');
      const phase = async (name: string, count: number, paced: boolean): Promise<DeliveryResult> => {
        const log = new DeliveryLog(name, count * SUBSCRIBERS);
        current = log;
        for (let seq = 0; seq < count; seq++) {
          const id = `${name}-${seq}`;
          log.sent(id);
          publisher.send(JSON.stringify({ type: 'publish', topic: TOPIC, data: { id, padding } }));
          if (paced) await sleep(1000 / RATE);
        }
        return log.result();
      };
      await phase('warm-up', WARM_UP, false);
      const sockets = [publisher, ...subscribers];
      const result = await measurePhases(sockets, system.processes(), RATE * PACED_SECONDS + BURST, {
        paced: () => phase('paced', RATE * PACED_SECONDS, true),
        burst: () => phase('burst', BURST, false),
      });
      current = null;
      sockets.forEach((ws) => ws.close());
      return result;
    },
    stop: () => system.stop(),
  };
}

async function workerSystem(): Promise<SignallingSystem> {
  const scratch = await startScratchWorker();
  const url = await workerdEntryUrl(scratch);
  // Signed in, as the app's devices are: sockets without a token are capped per address (docs/api.md), and every
  // client of the benchmark shares one.
  const signUp = await fetch(`${scratch.url}/api/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@clinic.example', password: 'benchmark password' }),
  });
  const { token } = (await signUp.json()) as { token: string };
  return {
    name: 'p2p-clinic SignalRoom (workerd)',
    newRoomUrl: () => `${url.replace(/^http/, 'ws')}/signal/bench-room-${randomBytes(8).toString('hex')}`,
    token,
    processes: () => localWorkerProcesses(scratch),
    stop: () => scratch.dispose(),
  };
}

async function bareSystem(): Promise<SignallingSystem> {
  const scratch = await startScratchWorker({ config: join(ROOT, 'worker', 'bench', 'bare-fan-out', 'wrangler.jsonc') });
  const url = await workerdEntryUrl(scratch);
  return {
    name: 'a bare fan-out Durable Object (workerd)',
    newRoomUrl: () => `${url.replace(/^http/, 'ws')}/signal/bench-room-${randomBytes(8).toString('hex')}`,
    processes: () => localWorkerProcesses(scratch),
    stop: () => scratch.dispose(),
  };
}

async function yWebrtcSystem(): Promise<SignallingSystem> {
  const server = await startNodeServer(join(ROOT, 'node_modules', 'y-webrtc', 'bin', 'server.js'), {});
  return {
    name: "y-webrtc's signalling server (node, in memory)",
    newRoomUrl: () => `ws://127.0.0.1:${server.port}`,
    processes: () => ({ "y-webrtc's server (node)": [server.pid] }),
    async stop() {
      server.stop();
    },
  };
}

console.log(
  `Signalling benchmark: 1 publisher, ${SUBSCRIBERS} subscribers in one room, messages of ${MESSAGE_BYTES} bytes, ${RUNS} runs; clients offer ${OFFER_DEFLATE ? 'permessage-deflate' : 'no extensions'}; ours ${workerdRoute}`,
);
await compareAndExit(compared(await (BARE ? bareSystem() : workerSystem())), compared(await yWebrtcSystem()), {
  runs: RUNS,
  budget: BUDGET,
  anchorName: 'y-webrtc',
  describe: { paced: `${RATE}/s for ${PACED_SECONDS} s`, burst: `${BURST} at once`, unit: 'message' },
});

/**
 * Signalling benchmark: one publisher and M subscribers in one room of the local Worker's `/signal/:roomId`
 * (a SignalRoom Durable Object in workerd). The publisher sends messages the size of a y-webrtc offer; every
 * subscriber must receive each one. Prints delivered messages per second and publish-to-receive latency, then
 * runs the same workload against y-webrtc's bundled signalling server (node_modules/y-webrtc/bin/server.js)
 * and prints the ratio.
 *
 * Two phases per system: paced (RATE messages/s) for latency, and a burst (BURST messages at once) for throughput.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { ROOT, freePort } from '../local-worker.ts';
import { startScratchWorker } from '../test-worker.ts';
import { collectDeliveries, ms, perSecond, ratio, sleep, type DeliveryResult } from './stats.ts';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 20);
const RATE = Number(process.env.RATE ?? 50);
const PACED_SECONDS = Number(process.env.SECONDS ?? 5);
const BURST = Number(process.env.BURST ?? 500);
/** A sealed y-webrtc offer with a few ICE candidates, base64-encoded. */
const MESSAGE_BYTES = 2048;
const TOPIC = 'bench-topic';

interface Target {
  name: string;
  url: string;
  stop(): Promise<void>;
}

async function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return ws;
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

async function measure(target: Target): Promise<{ paced: DeliveryResult; burst: DeliveryResult }> {
  const publisher = await open(target.url);
  const received: Map<string, number>[] = [];
  const subscribers: WebSocket[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const ws = await open(target.url);
    const arrivals = new Map<string, number>();
    received.push(arrivals);
    await subscribe(ws);
    ws.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as { type: string; data?: { id: string } };
      if (message.type === 'publish' && message.data) arrivals.set(message.data.id, performance.now());
    });
    subscribers.push(ws);
  }
  const padding = randomBytes(MESSAGE_BYTES * 0.75).toString('base64');
  const sentAt = new Map<string, number>();
  const publish = (id: string) => {
    sentAt.set(id, performance.now());
    publisher.send(JSON.stringify({ type: 'publish', topic: TOPIC, data: { id, padding } }));
  };

  const phase = async (plan: 'paced' | 'burst'): Promise<DeliveryResult> => {
    const count = plan === 'paced' ? RATE * PACED_SECONDS : BURST;
    const start = performance.now();
    for (let seq = 0; seq < count; seq++) {
      publish(`${plan}-${seq}`);
      if (plan === 'paced') await sleep(1000 / RATE);
    }
    return collectDeliveries(received, sentAt, plan, count * SUBSCRIBERS, start);
  };

  const paced = await phase('paced');
  const burst = await phase('burst');
  [publisher, ...subscribers].forEach((ws) => ws.close());
  await target.stop();
  return { paced, burst };
}

async function workerTarget(): Promise<Target> {
  const scratch = await startScratchWorker();
  return {
    name: 'p2p-clinic SignalRoom (workerd)',
    url: `${scratch.url.replace(/^http/, 'ws')}/signal/bench-room-${randomBytes(8).toString('hex')}`,
    stop: () => scratch.dispose(),
  };
}

async function yWebrtcTarget(): Promise<Target> {
  const port = await freePort();
  const server = spawn(process.execPath, [join(ROOT, 'node_modules', 'y-webrtc', 'bin', 'server.js')], {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${port}`).then(() => true, () => false)) break;
    await sleep(100);
  }
  return {
    name: "y-webrtc's signalling server (node)",
    url: `ws://127.0.0.1:${port}`,
    async stop() {
      server.kill();
    },
  };
}

function print(name: string, result: { paced: DeliveryResult; burst: DeliveryResult }) {
  const { paced, burst } = result;
  console.log(`\n${name}`);
  console.log(`  paced  ${RATE}/s for ${PACED_SECONDS} s: delivered ${paced.delivered}/${paced.expected}, latency p50 ${ms(paced.latency.p50)}, p99 ${ms(paced.latency.p99)}`);
  console.log(`  burst  ${BURST} at once: delivered ${burst.delivered}/${burst.expected} in ${burst.seconds.toFixed(2)} s = ${perSecond(burst.delivered / burst.seconds)}, latency p50 ${ms(burst.latency.p50)}, p99 ${ms(burst.latency.p99)}`);
}

console.log(`Signalling benchmark: 1 publisher, ${SUBSCRIBERS} subscribers in one room, messages of ${MESSAGE_BYTES} bytes`);
const ours = await measure(await workerTarget());
print('p2p-clinic SignalRoom (workerd)', ours);
const anchor = await measure(await yWebrtcTarget());
print("y-webrtc's signalling server (node)", anchor);
console.log('\nRatio (ours vs y-webrtc)');
console.log(`  burst throughput: ${ratio(ours.burst.delivered / ours.burst.seconds, anchor.burst.delivered / anchor.burst.seconds, true)}`);
console.log(`  paced p50 latency: ${ratio(ours.paced.latency.p50, anchor.paced.latency.p50, false)}`);
console.log(`  paced p99 latency: ${ratio(ours.paced.latency.p99, anchor.paced.latency.p99, false)}`);
process.exit(0);

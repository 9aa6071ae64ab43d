/**
 * Relay benchmark: N WebSocket clients in one workspace on the local Worker (workerd) push 1 KiB encrypted
 * changes; every other client must receive each one. Prints delivered changes per second and push-to-receive
 * latency, then runs the same workload through y-websocket's server (the usual Yjs relay) and prints the ratio.
 *
 * Two phases per system: a paced phase (each client sends RATE changes/s) for latency, and a burst phase
 * (each client sends BURST changes at once) for throughput.
 *
 * The relay stores each change durably in SQLite before acknowledging and fanning it out; y-websocket's server
 * keeps documents in memory only. The comparison is of what each system does for a client, not like for like.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { ROOT, freePort } from '../local-worker.ts';
import { startScratchWorker } from '../test-worker.ts';
import { collectDeliveries, ms, perSecond, ratio, sleep, type DeliveryResult } from './stats.ts';

const CLIENTS = Number(process.env.CLIENTS ?? 10);
const RATE = Number(process.env.RATE ?? 20);
const PACED_SECONDS = Number(process.env.SECONDS ?? 5);
const BURST = Number(process.env.BURST ?? 100);
const CHANGE_BYTES = 1024;

interface Client {
  send(id: string): void;
  close(): void;
}

interface Harness {
  name: string;
  connect(onReceive: (id: string) => void): Promise<Client>;
  stop(): Promise<void>;
}

async function runPhase(clients: Client[], receivedBy: Map<string, number>[], plan: 'paced' | 'burst', sentAt: Map<string, number>): Promise<DeliveryResult> {
  const perClient = plan === 'paced' ? RATE * PACED_SECONDS : BURST;
  const expected = perClient * clients.length * (clients.length - 1);
  const start = performance.now();
  const sendOne = (clientIndex: number, seq: number) => {
    const id = `${plan}-${clientIndex}-${seq}`;
    sentAt.set(id, performance.now());
    clients[clientIndex]!.send(id);
  };
  if (plan === 'paced') {
    for (let seq = 0; seq < perClient; seq++) {
      clients.forEach((_, index) => sendOne(index, seq));
      await sleep(1000 / RATE);
    }
  } else {
    for (let seq = 0; seq < perClient; seq++) clients.forEach((_, index) => sendOne(index, seq));
  }
  return collectDeliveries(receivedBy, sentAt, plan, expected, start);
}

async function measure(harness: Harness): Promise<{ paced: DeliveryResult; burst: DeliveryResult }> {
  const receivedBy: Map<string, number>[] = [];
  const clients: Client[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const received = new Map<string, number>();
    receivedBy.push(received);
    clients.push(await harness.connect((id) => received.set(id, performance.now())));
  }
  await sleep(500);
  const sentAt = new Map<string, number>();
  const paced = await runPhase(clients, receivedBy, 'paced', sentAt);
  const burst = await runPhase(clients, receivedBy, 'burst', sentAt);
  clients.forEach((client) => client.close());
  await harness.stop();
  return { paced, burst };
}

async function relayHarness(): Promise<Harness> {
  const scratch = await startScratchWorker();
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${scratch.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, string>>;
  };
  const { token } = await post('/api/accounts', { email: 'bench@clinic.example', password: 'benchmark password' });
  const { id: workspaceId } = await post('/api/workspaces', { name: 'bench' }, token);
  const payload = randomBytes(CHANGE_BYTES).toString('base64url');
  return {
    name: 'p2p-clinic relay (workerd)',
    async connect(onReceive) {
      const ws = new WebSocket(`${scratch.url.replace('http', 'ws')}/sync/${workspaceId}`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const joined = new Promise<void>((resolve) =>
        ws.on('message', (raw) => {
          const message = JSON.parse(raw.toString()) as { type: string; changes?: { id: string }[] };
          if (message.type === 'joined') resolve();
          if (message.type === 'changes') for (const change of message.changes!) onReceive(change.id);
        }),
      );
      // Every sync message carries the socket's next seq (docs/api.md).
      let seq = 0;
      ws.send(JSON.stringify({ type: 'auth', token, seq: ++seq }));
      ws.send(JSON.stringify({ type: 'join', workspaceId, seq: ++seq }));
      await joined;
      return {
        send: (id) => ws.send(JSON.stringify({ type: 'push', changes: [{ id, encryptedData: payload }], seq: ++seq })),
        close: () => ws.close(),
      };
    },
    stop: () => scratch.dispose(),
  };
}

async function yWebsocketHarness(): Promise<Harness> {
  const port = await freePort();
  const server = spawn(process.execPath, [join(ROOT, 'node_modules', 'y-websocket', 'bin', 'server.cjs')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${port}`).then(() => true, () => false)) break;
    await sleep(100);
  }
  const payload = randomBytes(CHANGE_BYTES / 2).toString('hex');
  // Every y-websocket provider adds a process exit listener; many clients in one process are expected here.
  process.setMaxListeners(CLIENTS + 10);
  const providers: WebsocketProvider[] = [];
  return {
    name: "y-websocket's server (node)",
    async connect(onReceive) {
      const doc = new Y.Doc();
      const changes = doc.getMap<string>('changes');
      changes.observe((event) => {
        if (event.transaction.local) return;
        for (const id of event.keysChanged) onReceive(id);
      });
      const provider = new WebsocketProvider(`ws://127.0.0.1:${port}`, 'bench', doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
      providers.push(provider);
      await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
      return {
        send: (id) => changes.set(id, payload),
        close: () => provider.destroy(),
      };
    },
    async stop() {
      providers.forEach((provider) => provider.destroy());
      server.kill();
    },
  };
}

function print(name: string, result: { paced: DeliveryResult; burst: DeliveryResult }) {
  const { paced, burst } = result;
  console.log(`\n${name}`);
  console.log(`  paced  ${RATE}/s per client for ${PACED_SECONDS} s: delivered ${paced.delivered}/${paced.expected}, latency p50 ${ms(paced.latency.p50)}, p99 ${ms(paced.latency.p99)}`);
  console.log(`  burst  ${BURST} per client: delivered ${burst.delivered}/${burst.expected} in ${burst.seconds.toFixed(2)} s = ${perSecond(burst.delivered / burst.seconds)}, latency p50 ${ms(burst.latency.p50)}, p99 ${ms(burst.latency.p99)}`);
}

console.log(`Relay benchmark: ${CLIENTS} clients in one workspace, changes of ${CHANGE_BYTES} bytes`);
const ours = await measure(await relayHarness());
print('p2p-clinic relay (workerd, durable SQLite)', ours);
const anchor = await measure(await yWebsocketHarness());
print("y-websocket's server (node, in memory)", anchor);
console.log('\nRatio (ours vs y-websocket)');
console.log(`  burst throughput: ${ratio(ours.burst.delivered / ours.burst.seconds, anchor.burst.delivered / anchor.burst.seconds, true)}`);
console.log(`  paced p50 latency: ${ratio(ours.paced.latency.p50, anchor.paced.latency.p50, false)}`);
console.log(`  paced p99 latency: ${ratio(ours.paced.latency.p99, anchor.paced.latency.p99, false)}`);
process.exit(0);

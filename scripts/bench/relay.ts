/**
 * Relay benchmark: N WebSocket clients in one workspace on the local Worker (workerd) push changes of CHANGE_BYTES
 * ciphertext; every other client must receive each one. The same workload runs through y-websocket's server (the
 * usual Yjs relay), RUNS times each, alternating which goes first, and the ratios are summarised as min/median/max
 * with PASS/FAIL against the budgets of issue 13 (median ≥ 1.0× for burst throughput and paced p50 latency).
 *
 * Two phases per run, after a warm-up that is not counted: paced (each client sends RATE changes/s) for latency,
 * and burst (each client sends BURST changes at once) for throughput.
 *
 * Like for like where it can be: both sides' clients are `ws` with the same extensions offered (none; OFFER_DEFLATE=1
 * offers permessage-deflate on both), and both carry the same CHANGE_BYTES of random bytes per change, each in its
 * own format (ours: the sync socket's binary frames, or base64url in JSON with SYNC_FRAMES=json; y-websocket: a Yjs
 * map entry holding the bytes). Bytes on the wire per change are printed for each side, with the CPU time of the harness and of each server process, so a reader can see when
 * the harness is the bottleneck. What differs by design: the relay stores every change durably in SQLite before it
 * acknowledges and fans it out, and never reads it; y-websocket's server keeps a Yjs document in memory, merges every
 * update into it and relays it to every client including the sender.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { SYNC_BINARY_PROTOCOL, decodeChangesFrame, encodePushFrame } from '../../worker/src/protocol/index.ts';
import { ROOT } from '../local-worker.ts';
import { startScratchWorker } from '../test-worker.ts';
import { compareAndExit, localWorkerProcesses, measurePhases, startNodeServer, workerdEntryUrl, workerdRoute, type ComparedSystem, type Measurement } from './comparison.ts';
import { DeliveryLog, type DeliveryResult } from './deliveries.ts';
import type { ProcessGroups } from './process-cpu.ts';
import { sleep } from './stats.ts';

const CLIENTS = Number(process.env.CLIENTS ?? 10);
const RATE = Number(process.env.RATE ?? 20);
const PACED_SECONDS = Number(process.env.SECONDS ?? 5);
const BURST = Number(process.env.BURST ?? 100);
const WARM_UP = Number(process.env.WARM_UP ?? 20);
const RUNS = Number(process.env.RUNS ?? 3);
const OFFER_DEFLATE = process.env.OFFER_DEFLATE === '1';
/** The sync socket's protocol version 1 (ciphertext as base64url in JSON), as clients that predate binary frames speak it. */
const JSON_FRAMES = process.env.SYNC_FRAMES === 'json';
const CHANGE_BYTES = 1024;
const BUDGET = 1.0;

interface Client {
  ws: WebSocket;
  send(id: string): void;
  close(): void;
}

/** One workspace (ours) or one document (y-websocket's) that a run's clients share. */
interface Room {
  connect(onReceive: (id: string) => void): Promise<Client>;
}

/** A system under test: how to open a room and which processes do its work. */
interface RelaySystem {
  name: string;
  processes(): ProcessGroups;
  newRoom(): Promise<Room>;
  stop(): Promise<void>;
}

/** A client socket offering exactly the extensions the run offers, whichever side it talks to. */
class BenchWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, { perMessageDeflate: OFFER_DEFLATE });
  }
}

async function runPhase(name: string, clients: Client[], perClient: number, paced: boolean, use: (log: DeliveryLog) => void): Promise<DeliveryResult> {
  const log = new DeliveryLog(name, perClient * clients.length * (clients.length - 1));
  use(log);
  for (let seq = 0; seq < perClient; seq++) {
    clients.forEach((client, index) => {
      const id = `${name}-${index}-${seq}`;
      log.sent(id);
      client.send(id);
    });
    if (paced) await sleep(1000 / RATE);
  }
  return log.result();
}

/** A fresh room, its clients connected and warmed up, then the measured phases. */
function compared(system: RelaySystem): ComparedSystem {
  return {
    name: system.name,
    async measure(): Promise<Measurement> {
      const room = await system.newRoom();
      let current: DeliveryLog | null = null;
      const clients: Client[] = [];
      for (let i = 0; i < CLIENTS; i++) {
        const client = await room.connect((id) => current?.arrived(i, id));
        client.ws.once('close', (code) => current?.abort(`client ${i}'s socket closed (${code})`));
        clients.push(client);
      }
      const use = (log: DeliveryLog) => (current = log);
      await runPhase('warm-up', clients, WARM_UP, false, use);
      const result = await measurePhases(
        clients.map((client) => client.ws),
        system.processes(),
        (RATE * PACED_SECONDS + BURST) * CLIENTS,
        {
          paced: () => runPhase('paced', clients, RATE * PACED_SECONDS, true, use),
          burst: () => runPhase('burst', clients, BURST, false, use),
        },
      );
      current = null;
      clients.forEach((client) => client.close());
      return result;
    },
    stop: () => system.stop(),
  };
}

async function relaySystem(): Promise<RelaySystem> {
  const scratch = await startScratchWorker();
  const url = await workerdEntryUrl(scratch);
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, string>>;
  };
  const { token } = await post('/api/accounts', { email: 'bench@clinic.example', password: 'benchmark password' });
  const bytes = new Uint8Array(randomBytes(CHANGE_BYTES));
  const payload = Buffer.from(bytes).toString('base64url');
  return {
    name: 'p2p-clinic relay (workerd, durable SQLite)',
    processes: () => localWorkerProcesses(scratch),
    async newRoom() {
      const { id: workspaceId } = await post('/api/workspaces', { name: 'bench' }, token);
      return {
        async connect(onReceive) {
          const ws = new BenchWebSocket(`${url.replace('http', 'ws')}/sync/${workspaceId}`, JSON_FRAMES ? [] : [SYNC_BINARY_PROTOCOL]);
          ws.binaryType = 'arraybuffer';
          await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
          const joined = new Promise<void>((resolve) =>
            ws.on('message', (raw: ArrayBuffer | Buffer, isBinary: boolean) => {
              if (isBinary) {
                for (const change of decodeChangesFrame(raw as ArrayBuffer).changes) onReceive(change.id);
                return;
              }
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
            ws,
            send: (id) =>
              ws.send(JSON_FRAMES ? JSON.stringify({ type: 'push', changes: [{ id, encryptedData: payload }], seq: ++seq }) : encodePushFrame(++seq, [{ id, bytes }])),
            close: () => ws.close(),
          };
        },
      };
    },
    stop: () => scratch.dispose(),
  };
}

async function yWebsocketSystem(): Promise<RelaySystem> {
  const server = await startNodeServer(join(ROOT, 'node_modules', 'y-websocket', 'bin', 'server.cjs'), { HOST: '127.0.0.1' });
  const payload = new Uint8Array(randomBytes(CHANGE_BYTES));
  // Every y-websocket provider adds a process exit listener; many clients in one process are expected here.
  process.setMaxListeners(RUNS * CLIENTS + 10);
  let rooms = 0;
  return {
    name: "y-websocket's server (node, in memory)",
    processes: () => ({ "y-websocket's server (node)": [server.pid] }),
    async newRoom() {
      const name = `bench-${++rooms}`;
      return {
        async connect(onReceive) {
          const doc = new Y.Doc();
          const changes = doc.getMap<Uint8Array>('changes');
          changes.observe((event) => {
            if (event.transaction.local) return;
            for (const id of event.keysChanged) onReceive(id);
          });
          const provider = new WebsocketProvider(`ws://127.0.0.1:${server.port}`, name, doc, { WebSocketPolyfill: BenchWebSocket as never, disableBc: true });
          await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
          return {
            ws: provider.ws as unknown as WebSocket,
            send: (id) => changes.set(id, payload),
            close: () => provider.destroy(),
          };
        },
      };
    },
    async stop() {
      server.stop();
    },
  };
}

console.log(
  `Relay benchmark: ${CLIENTS} clients in one workspace, changes of ${CHANGE_BYTES} bytes, ${RUNS} runs; clients offer ${OFFER_DEFLATE ? 'permessage-deflate' : 'no extensions'}; ours ${workerdRoute}; ours in ${JSON_FRAMES ? 'JSON text frames' : 'binary frames'}`,
);
await compareAndExit(compared(await relaySystem()), compared(await yWebsocketSystem()), {
  runs: RUNS,
  budget: BUDGET,
  anchorName: 'y-websocket',
  describe: { paced: `${RATE}/s per client for ${PACED_SECONDS} s`, burst: `${BURST} per client`, unit: 'change' },
});

import { spawn } from 'node:child_process';
import type WebSocket from 'ws';
import { freePort } from '../local-worker.ts';
import type { ScratchWorker } from '../test-worker.ts';
import { negotiatedExtensions, wireBytes, type DeliveryResult } from './deliveries.ts';
import { commandOf, descendants, listenerOf, listeningPorts, measureCpu, type ProcessGroups } from './process-cpu.ts';
import { cpuShare, loadAverage, ms, perSecond, ratioLine, ratioValue, sleep } from './stats.ts';

/**
 * Ours against an anchor, several runs in one invocation: how the relay and signalling benchmarks measure a run,
 * print it, and decide PASS/FAIL from the median of the runs' ratios.
 */

/** What one run of one system measured. */
export interface Measurement {
  paced: DeliveryResult;
  burst: DeliveryResult;
  /** What the first client socket agreed with the server (`none` or permessage-deflate's parameters). */
  extensions: string;
  /** Over both phases, per message sent and per message received: frames, headers, acks and protocol chatter. */
  bytesSentPerMessage: number;
  bytesReceivedPerDelivery: number;
  /** CPU seconds over both phases: the harness and each group of server processes. */
  cpu: Record<string, number>;
  seconds: number;
}

export interface ComparedSystem {
  name: string;
  measure(): Promise<Measurement>;
  stop(): Promise<void>;
}

/** Runs the paced and burst phases once the run's clients are connected and warm, measuring bytes and CPU. */
export async function measurePhases(
  sockets: WebSocket[],
  processes: ProcessGroups,
  messagesSent: number,
  phases: { paced(): Promise<DeliveryResult>; burst(): Promise<DeliveryResult> },
): Promise<Measurement> {
  const bytesBefore = wireBytes(sockets);
  const cpu = measureCpu(processes);
  const started = performance.now();
  const paced = await phases.paced();
  const burst = await phases.burst();
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpu();
  const bytesAfter = wireBytes(sockets);
  return {
    paced,
    burst,
    extensions: negotiatedExtensions(sockets[0]!),
    bytesSentPerMessage: (bytesAfter.written - bytesBefore.written) / messagesSent,
    bytesReceivedPerDelivery: (bytesAfter.read - bytesBefore.read) / (paced.delivered + burst.delivered),
    cpu: cpuSeconds,
    seconds,
  };
}

/**
 * The local Worker's processes, looked up when asked (wrangler starts workerd again on a config reload): the
 * workerd that runs the Worker and its Durable Objects; wrangler's local proxy, a second workerd that listens on the
 * Worker's URL and forwards every request and frame, which production does not have; and wrangler itself.
 */
export function localWorkerProcesses(scratch: ScratchWorker): ProcessGroups {
  const below = descendants(scratch.worker.pid);
  const workerds = below.filter((pid) => commandOf(pid).endsWith('workerd'));
  const proxy = listenerOf(scratch.worker.port, workerds);
  return {
    'workerd (Worker and Durable Objects)': workerds.filter((pid) => pid !== proxy),
    "wrangler's local proxy (workerd, not in production)": proxy === undefined ? [] : [proxy],
    'wrangler (node)': [scratch.worker.pid, ...below.filter((pid) => !workerds.includes(pid))],
  };
}

/**
 * The URL of the workerd that runs the Worker, behind wrangler's local proxy: the Worker's own entry, which answers
 * /api/health, among the ports that workerd listens on. Benchmarks talk to it directly, as production has no such
 * proxy (VIA_PROXY=1 goes through it, as `npm start` does).
 */
export const VIA_PROXY = process.env.VIA_PROXY === '1';
export const workerdRoute = VIA_PROXY ? "through wrangler's local proxy" : "on workerd's own port, without wrangler's local proxy";

export async function workerdEntryUrl(scratch: ScratchWorker): Promise<string> {
  if (VIA_PROXY) return scratch.url;
  const workerds = descendants(scratch.worker.pid).filter((pid) => commandOf(pid).endsWith('workerd'));
  const proxy = listenerOf(scratch.worker.port, workerds);
  for (const pid of workerds.filter((candidate) => candidate !== proxy)) {
    for (const port of listeningPorts(pid)) {
      const url = `http://127.0.0.1:${port}`;
      if (await fetch(`${url}/api/health`).then((response) => response.ok, () => false)) return url;
    }
  }
  throw new Error(`no port of workerd (processes ${workerds.join(', ')}) answers /api/health`);
}

/** An anchor's bundled node server on a port of its own, once it answers HTTP. */
export async function startNodeServer(script: string, env: Record<string, string>): Promise<{ port: number; pid: number; stop(): void }> {
  const port = await freePort();
  const server = spawn(process.execPath, [script], { env: { ...process.env, ...env, PORT: String(port) }, stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  while (!(await fetch(`http://127.0.0.1:${port}`).then(() => true, () => false))) {
    if (Date.now() > deadline) throw new Error(`${script} did not answer on port ${port} within 30 s`);
    await sleep(100);
  }
  return { port, pid: server.pid!, stop: () => server.kill() };
}

function print(system: ComparedSystem, result: Measurement, describe: { paced: string; burst: string; unit: string }) {
  const { paced, burst } = result;
  console.log(`  ${system.name}: extensions ${result.extensions}`);
  console.log(`    paced  ${describe.paced}: delivered ${paced.delivered}/${paced.expected}, latency p50 ${ms(paced.latency.p50)}, p99 ${ms(paced.latency.p99)}`);
  console.log(
    `    burst  ${describe.burst}: delivered ${burst.delivered}/${burst.expected} in ${burst.seconds.toFixed(2)} s = ${perSecond(burst.delivered / burst.seconds)}, latency p50 ${ms(burst.latency.p50)}, p99 ${ms(burst.latency.p99)}`,
  );
  console.log(`    wire   ${Math.round(result.bytesSentPerMessage)} B sent per ${describe.unit}, ${Math.round(result.bytesReceivedPerDelivery)} B received per delivery`);
  const cpu = Object.entries(result.cpu).map(([name, seconds]) => `${name} ${cpuShare(seconds, result.seconds)}`);
  console.log(`    CPU over ${result.seconds.toFixed(1)} s: ${cpu.join('; ')}`);
}

/**
 * Measures both systems `runs` times, alternating which goes first so that neither always meets the machine
 * warmer; prints each run and the min/median/max of the ratios with PASS/FAIL against `budget` for burst throughput
 * and paced p50 latency (p99 is printed, not budgeted), then exits with 1 on any FAIL.
 */
export async function compareAndExit(
  ours: ComparedSystem,
  anchor: ComparedSystem,
  options: { runs: number; budget: number; anchorName: string; describe: { paced: string; burst: string; unit: string } },
): Promise<never> {
  const ratios = { burst: [] as number[], p50: [] as number[], p99: [] as number[] };
  for (let run = 1; run <= options.runs; run++) {
    console.log(`\nRun ${run} of ${options.runs} (load average ${loadAverage()})`);
    const results = new Map<ComparedSystem, Measurement>();
    for (const system of run % 2 === 1 ? [ours, anchor] : [anchor, ours]) {
      results.set(system, await system.measure());
      print(system, results.get(system)!, options.describe);
    }
    const [a, b] = [results.get(ours)!, results.get(anchor)!];
    ratios.burst.push(ratioValue(a.burst.delivered / a.burst.seconds, b.burst.delivered / b.burst.seconds, true));
    ratios.p50.push(ratioValue(a.paced.latency.p50, b.paced.latency.p50, false));
    ratios.p99.push(ratioValue(a.paced.latency.p99, b.paced.latency.p99, false));
    console.log(`  ratio (> 1: ours better): burst ${ratios.burst.at(-1)!.toFixed(2)}×, paced p50 ${ratios.p50.at(-1)!.toFixed(2)}×, paced p99 ${ratios.p99.at(-1)!.toFixed(2)}×`);
  }
  await ours.stop();
  await anchor.stop();
  console.log(`\nOurs vs ${options.anchorName} over ${options.runs} runs (> 1: ours better; load average now ${loadAverage()})`);
  const lines = [
    ratioLine('burst throughput', ratios.burst, options.budget),
    ratioLine('paced p50 latency', ratios.p50, options.budget),
    ratioLine('paced p99 latency', ratios.p99),
  ];
  lines.forEach(({ line }) => console.log(line));
  process.exit(lines.every(({ passed }) => passed) ? 0 : 1);
}

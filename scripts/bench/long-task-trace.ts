/**
 * What the long tasks of a Chromium trace spent their time on: for every renderer main-thread task over a
 * threshold, the script functions, callbacks and rendering steps it ran, longest first. Benchmarks trace with
 * TRACE_CATEGORIES (Browser.startTracing) and print this, so that a failed budget comes with its cause.
 */
import type { Browser } from 'playwright-core';

export const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'disabled-by-default-v8.cpu_profiler'];

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** The thread's CPU time in the event, where the trace has it. */
  tdur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: {
    name?: string;
    data?: {
      functionName?: string;
      url?: string;
      lineNumber?: number;
      columnNumber?: number;
      type?: string;
      startTime?: number;
      cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] };
      timeDeltas?: number[];
    };
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

/** The CPU profile's samples as (time, function) pairs, per thread (`pid:tid`). */
function samplesOf(events: TraceEvent[]): Map<string, { ts: number; frame: string }[]> {
  const byThread = new Map<string, { ts: number; frame: string }[]>();
  const frames = new Map<string, string>();
  const clocks = new Map<string, { thread: string; ts: number }>();
  for (const event of events) {
    // Profile ids are numbered per process: two processes both have a profile 0x1.
    const profileId = `${event.pid}/${event.id}`;
    if (event.name === 'Profile' && event.id) clocks.set(profileId, { thread: `${event.pid}:${event.tid}`, ts: event.args?.data?.startTime ?? event.ts });
    if (event.name !== 'ProfileChunk' || !event.id) continue;
    const clock = clocks.get(profileId);
    const profile = event.args?.data?.cpuProfile;
    if (!clock || !profile) continue;
    for (const node of profile.nodes ?? []) {
      const { functionName, url, lineNumber, columnNumber } = node.callFrame;
      const file = url ? `${url.split('/').pop()}:${lineNumber + 1}:${columnNumber + 1}` : '';
      frames.set(`${profileId}/${node.id}`, `${functionName || '(anonymous)'} ${file}`);
    }
    const samples = byThread.get(clock.thread) ?? [];
    byThread.set(clock.thread, samples);
    (profile.samples ?? []).forEach((node, index) => {
      clock.ts += event.args?.data?.timeDeltas?.[index] ?? 0;
      samples.push({ ts: clock.ts, frame: frames.get(`${profileId}/${node}`) ?? '?' });
    });
  }
  return byThread;
}

/** Inside a task, how long each kind of work took, by a readable name. */
export interface LongTask {
  durationMs: number;
  /** The part of it the thread ran on a CPU; on a loaded machine a task also waits for one. */
  cpuMs: number | undefined;
  /** Microseconds since the trace's first event, for ordering. */
  at: number;
  work: { what: string; ms: number }[];
  /** The functions the CPU profile's samples inside the task were in, by time. */
  selfTime: { what: string; ms: number }[];
}

function describe(event: TraceEvent): string {
  const data = event.args?.data;
  if (event.name === 'FunctionCall' && data) {
    const file = data.url?.split('/').pop() ?? '';
    return `FunctionCall ${data.functionName || '(anonymous)'} ${file}:${data.lineNumber ?? '?'}:${data.columnNumber ?? '?'}`;
  }
  if (event.name === 'EventDispatch' && data?.type) return `EventDispatch ${data.type}`;
  return event.name;
}

/** The tasks over `thresholdMs` of the renderer main threads, each with what its direct children spent. */
export function longTasksOf(events: TraceEvent[], thresholdMs: number): LongTask[] {
  const mainThreads = new Set(
    events.filter((event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain').map((event) => `${event.pid}:${event.tid}`),
  );
  const onMain = events.filter((event) => event.ph === 'X' && mainThreads.has(`${event.pid}:${event.tid}`)).sort((a, b) => a.ts - b.ts);
  const origin = events.reduce((first, event) => (event.ts > 0 && event.ts < first ? event.ts : first), Infinity);
  const samples = samplesOf(events);
  const tasks: LongTask[] = [];
  for (const task of onMain) {
    if (task.name !== 'RunTask' || (task.dur ?? 0) < thresholdMs * 1000) continue;
    const end = task.ts + task.dur!;
    const work = new Map<string, number>();
    // Nested kinds repeat their parents' time (an idle callback's function call is inside its FireIdleCallback),
    // so the figures overlap: they say where the time went, they do not add up to the task.
    for (const event of onMain) {
      if (event === task || event.ts < task.ts || event.ts + (event.dur ?? 0) > end || event.pid !== task.pid || event.tid !== task.tid) continue;
      if (!['FunctionCall', 'EvaluateScript', 'v8.compile', 'Layout', 'UpdateLayoutTree', 'ParseHTML', 'Paint', 'RunMicrotasks', 'FireIdleCallback', 'TimerFire', 'EventDispatch', 'FireAnimationFrame', 'GCEvent', 'MajorGC', 'MinorGC', 'V8.GC_SCAVENGER', 'BlinkGC.AtomicPhase'].includes(event.name)) continue;
      const what = describe(event);
      work.set(what, (work.get(what) ?? 0) + (event.dur ?? 0) / 1000);
    }
    const self = new Map<string, number>();
    const threadSamples = samples.get(`${task.pid}:${task.tid}`) ?? [];
    for (let index = 1; index < threadSamples.length; index++) {
      const sample = threadSamples[index]!;
      if (sample.ts < task.ts || sample.ts > end) continue;
      self.set(sample.frame, (self.get(sample.frame) ?? 0) + (sample.ts - threadSamples[index - 1]!.ts) / 1000);
    }
    const ranked = (totals: Map<string, number>, count: number) =>
      [...totals].map(([what, ms]) => ({ what, ms })).sort((a, b) => b.ms - a.ms).slice(0, count);
    tasks.push({
      durationMs: task.dur! / 1000,
      cpuMs: task.tdur === undefined ? undefined : task.tdur / 1000,
      at: task.ts - origin,
      work: ranked(work, 8),
      selfTime: ranked(self, 10),
    });
  }
  return tasks;
}

/**
 * Traces the browser while `run` runs, writes the trace to `path` (for Chromium's or Perfetto's viewer), then
 * prints its main-thread tasks over `thresholdMs` and what they ran.
 */
export async function printLongTasksWhile<T>(browser: Browser, path: string, thresholdMs: number, run: () => Promise<T>): Promise<T> {
  await browser.startTracing(undefined, { categories: TRACE_CATEGORIES, path });
  let result: T;
  try {
    result = await run();
  } finally {
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    console.log(`Trace written to ${path}`);
    const tasks = longTasksOf(trace.traceEvents, thresholdMs);
    console.log(`Traced: ${tasks.length} main-thread tasks over ${thresholdMs} ms`);
    for (const task of tasks) {
      const cpu = task.cpuMs === undefined ? '' : ` (${task.cpuMs.toFixed(0)} ms of it on a CPU)`;
      console.log(`  ${task.durationMs.toFixed(0)} ms task${cpu} at ${(task.at / 1e6).toFixed(2)} s of the trace:`);
      for (const { what, ms } of task.work) console.log(`    ${ms.toFixed(1).padStart(8)} ms  ${what}`);
      console.log('    functions, by samples:');
      for (const { what, ms } of task.selfTime) console.log(`    ${ms.toFixed(1).padStart(8)} ms  ${what}`);
    }
  }
  return result!;
}

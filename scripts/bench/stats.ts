/** Figures every benchmark prints the same way. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;
export const perSecond = (value: number) => `${Math.round(value).toLocaleString('en-US')}/s`;

/** `ours / anchor`, phrased so that > 1 always means "ours is better". */
export function ratio(ours: number, anchor: number, higherIsBetter: boolean): string {
  const value = higherIsBetter ? ours / anchor : anchor / ours;
  return `${value.toFixed(2)}× ${value >= 1 ? '(ours better)' : '(anchor better)'}`;
}

export function sleep(msToWait: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, msToWait));
}

export interface DeliveryResult {
  delivered: number;
  expected: number;
  /** From the first send to the last arrival. */
  seconds: number;
  latency: LatencySummary;
}

/**
 * Waits (a minute at most) until `expected` messages whose ids start with `phase` have arrived, then measures
 * send-to-arrival latency. `arrivals` holds, per receiver, each message id with its arrival time.
 */
export async function collectDeliveries(
  arrivals: Map<string, number>[],
  sentAt: Map<string, number>,
  phase: string,
  expected: number,
  start: number,
): Promise<DeliveryResult> {
  const deadline = performance.now() + 60_000;
  const count = () => arrivals.reduce((sum, map) => sum + [...map.keys()].filter((id) => id.startsWith(phase)).length, 0);
  while (count() < expected && performance.now() < deadline) await sleep(20);
  const latencies: number[] = [];
  let last = start;
  for (const map of arrivals) {
    for (const [id, at] of map) {
      if (!id.startsWith(phase)) continue;
      latencies.push(at - sentAt.get(id)!);
      last = Math.max(last, at);
    }
  }
  return { delivered: latencies.length, expected, seconds: (last - start) / 1000, latency: summarize(latencies) };
}

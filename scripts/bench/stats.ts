import { loadavg } from 'node:os';

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

export function sleep(msToWait: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, msToWait));
}

/** `ours / anchor`, > 1 meaning ours is better. */
export function ratioValue(ours: number, anchor: number, higherIsBetter: boolean): number {
  return higherIsBetter ? ours / anchor : anchor / ours;
}

/**
 * The ratios of several runs in one invocation, min/median/max, and whether the median meets its budget: one noisy
 * run cannot decide. Without a budget the line is printed for information only.
 */
export function ratioLine(name: string, ratios: number[], budget?: number): { line: string; passed: boolean } {
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const figures = `min ${sorted[0]!.toFixed(2)}×, median ${median.toFixed(2)}×, max ${sorted.at(-1)!.toFixed(2)}×`;
  if (budget === undefined) return { line: `  ${name}: ${figures}`, passed: true };
  const passed = median >= budget;
  return { line: `  ${name}: ${figures}: ${passed ? 'PASS' : 'FAIL'} (budget: median ≥ ${budget.toFixed(1)}×)`, passed };
}

export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** CPU seconds as a share of one core over `seconds` of wall time. */
export function cpuShare(cpuSeconds: number, seconds: number): string {
  return `${cpuSeconds.toFixed(2)} s (${Math.round((cpuSeconds / seconds) * 100)} % of a core)`;
}

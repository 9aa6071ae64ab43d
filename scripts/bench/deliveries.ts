import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { summarize, type LatencySummary } from './stats.ts';

/** A phase fails, naming what it waited for, when its messages have not all arrived by then. */
const PHASE_DEADLINE_MS = 60_000;

export interface DeliveryResult {
  delivered: number;
  expected: number;
  /** From the first send to the last arrival. */
  seconds: number;
  latency: LatencySummary;
}

/**
 * One phase's messages: when each was sent and when each receiver got it. Counted as they arrive, so the harness
 * does no work per poll (it competes with the server for the same two cores).
 */
export class DeliveryLog {
  private readonly sentAt = new Map<string, number>();
  private readonly latencies: number[] = [];
  private readonly seen = new Set<string>();
  private readonly start = performance.now();
  private last = this.start;
  private onComplete: () => void = () => undefined;
  private onAbort: (reason: Error) => void = () => undefined;
  private readonly complete = new Promise<void>((resolve, reject) => {
    this.onComplete = resolve;
    this.onAbort = reject;
  });

  constructor(
    readonly name: string,
    readonly expected: number,
  ) {}

  sent(id: string): void {
    this.sentAt.set(id, performance.now());
  }

  /** `receiver` got `id`; ids of other phases, and a second copy of one, are not counted. */
  arrived(receiver: number, id: string): void {
    const sentAt = this.sentAt.get(id);
    const key = `${receiver}:${id}`;
    if (sentAt === undefined || this.seen.has(key)) return;
    this.seen.add(key);
    this.last = performance.now();
    this.latencies.push(this.last - sentAt);
    if (this.latencies.length === this.expected) this.onComplete();
  }

  /** Fails the phase now: a client lost its socket (wrangler restarts workerd when the Worker's sources change). */
  abort(reason: string): void {
    this.onAbort(new Error(`${this.name}: ${reason} after ${this.latencies.length} of ${this.expected} deliveries`));
  }

  async result(): Promise<DeliveryResult> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name}: ${this.latencies.length} of ${this.expected} deliveries within ${PHASE_DEADLINE_MS / 1000} s`)),
        PHASE_DEADLINE_MS,
      );
    });
    try {
      await Promise.race([this.complete, expired]);
    } finally {
      clearTimeout(timer);
    }
    return { delivered: this.latencies.length, expected: this.expected, seconds: (this.last - this.start) / 1000, latency: summarize(this.latencies) };
  }
}

/** Bytes a client socket has read and written on the wire so far: frames, headers and all, as the kernel saw them. */
export function wireBytes(sockets: WebSocket[]): { read: number; written: number } {
  let read = 0;
  let written = 0;
  for (const ws of sockets) {
    // ws keeps its TCP socket private; its byte counters are the honest measure of what crossed the wire.
    const socket = (ws as unknown as { _socket: Socket | null })._socket;
    read += socket?.bytesRead ?? 0;
    written += socket?.bytesWritten ?? 0;
  }
  return { read, written };
}

/** The extensions a client socket agreed with its server, as the benchmark reports them. */
export function negotiatedExtensions(ws: WebSocket): string {
  return ws.extensions === '' ? 'none' : ws.extensions;
}

import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * CPU time of the processes a benchmark runs, read from Linux's /proc, so that a reader sees where the seconds went:
 * in the harness (this process), in the server under test, or in wrangler's local proxy, which production lacks.
 */

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds `pid` has used so far; 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    // Fields after the command (which may hold spaces) start at the last ')'; utime and stime are fields 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Every process below `pid` (children, their children, …). */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
    } catch {
      // Exited while we looked.
    }
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const children = parents.get(queue.shift()!) ?? [];
    found.push(...children);
    queue.push(...children);
  }
  return found;
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return '';
  }
}

/** The TCP ports `pid` listens on (from /proc/net/tcp and the process's open sockets). */
export function listeningPorts(pid: number): number[] {
  const portsByInode = new Map<string, number>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/);
    // Column 1 is local address:port in hex, 3 the state (0A: LISTEN), 9 the socket's inode.
    if (columns[3] === '0A') portsByInode.set(columns[9]!, parseInt(columns[1]!.split(':')[1]!, 16));
  }
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' });
      const port = portsByInode.get(target.slice('socket:['.length, -1));
      return port === undefined ? [] : [port];
    });
  } catch {
    return [];
  }
}

/** The process among `pids` that listens on TCP `port`. */
export function listenerOf(port: number, pids: number[]): number | undefined {
  return pids.find((pid) => listeningPorts(pid).includes(port));
}

/** Named groups of processes whose CPU time is measured over a stretch of the benchmark. */
export type ProcessGroups = Record<string, number[]>;

/** Starts measuring; the returned function gives each group's CPU seconds since, the harness's as `harness`. */
export function measureCpu(groups: ProcessGroups): () => Record<string, number> {
  const sum = (pids: number[]) => pids.reduce((total, pid) => total + processCpuSeconds(pid), 0);
  const before = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, sum(pids)]));
  const harnessBefore = process.cpuUsage();
  return () => {
    const harness = process.cpuUsage(harnessBefore);
    return {
      harness: (harness.user + harness.system) / 1e6,
      ...Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, sum(pids) - before[name]!])),
    };
  };
}

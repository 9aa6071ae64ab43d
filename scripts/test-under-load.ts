import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { ROOT } from './local-worker.ts';

/**
 * `npm run test:under-load`: the suite's own check that it tells the truth on a busy machine. A flaky test blocks good
 * work on CI's busy 2-core machine, so a change to the suite (or to anything timing-sensitive) should pass this before
 * it lands: `npm test` from a clean clone of the commit, `--runs` times in a row, with `--burners` CPU-bound processes
 * beside it (at `--burner-nice`) and `--side-by-side` runs at once (each run then also has the others' browsers and
 * workerd beside it).
 * It stops at the first failed round, since only an unbroken count says anything, and keeps every run's log.
 */

const USAGE = 'usage: npm run test:under-load -- [--runs 10] [--side-by-side 1] [--burners 2] [--burner-nice 19] [--commit HEAD]';

const options = readOptions();
const runs = count('runs', options.runs, 1);
const sideBySide = count('side-by-side', options['side-by-side'], 1);
const burnerCount = count('burners', options.burners, 0);
const burnerNice = count('burner-nice', options['burner-nice'], 0, 19);
const commit = resolveCommit(options.commit);

interface RunResult {
  run: number;
  passed: boolean;
  seconds: number;
  /** vitest's own summary lines ("Test Files  182 passed (182)", "Tests  1398 passed (1398)"), or what ended the run. */
  summary: string;
  log: string;
}

const logDir = await mkdtemp(join(tmpdir(), 'p2p-clinic-under-load-'));
const burners = Array.from({ length: burnerCount }, startBurner);
const stopBurners = (): void => burners.forEach((burner) => burner.kill('SIGKILL'));
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim()) {
  console.log('Uncommitted changes are not tested: every run is a clean clone of the commit.');
}
console.log(`${runs} runs of npm test on ${commit.slice(0, 12)}, ${sideBySide} at once, ${burnerCount} CPU-bound processes beside them; logs in ${logDir}\n`);

const results: RunResult[] = [];
while (results.length < runs && results.every((result) => result.passed)) {
  const round = Array.from({ length: Math.min(sideBySide, runs - results.length) }, (_, i) => results.length + i + 1);
  const finished = await Promise.all(round.map(runFromCleanClone));
  for (const result of finished) {
    console.log(`run ${result.run}: ${result.passed ? 'PASS' : 'FAIL'} in ${result.seconds} s (${result.summary})`);
  }
  results.push(...finished);
}

const unbroken = results.findIndex((result) => !result.passed);
const inARow = unbroken === -1 ? results.length : unbroken;
console.log(`\n${inARow} of ${runs} in a row passed${unbroken === -1 ? '' : `; run ${results[unbroken]!.run} failed, its log: ${results[unbroken]!.log}`}`);
process.exitCode = inARow === runs ? 0 : 1;

async function runFromCleanClone(run: number): Promise<RunResult> {
  const log = join(logDir, `run-${run}.log`);
  const out = createWriteStream(log);
  const clone = join(logDir, `clone-${run}`);
  try {
    try {
      await step(out, 'git', ['clone', '--quiet', '--no-checkout', ROOT, clone], ROOT);
      await step(out, 'git', ['checkout', '--quiet', '--detach', commit], clone);
      await step(out, 'npm', ['ci', '--no-audit', '--no-fund'], clone);
    } catch (error) {
      return { run, passed: false, seconds: 0, summary: `setup failed: ${(error as Error).message}`, log };
    }
    const started = performance.now();
    const passed = await step(out, 'npm', ['test'], clone).then(() => true, () => false);
    const seconds = Math.round((performance.now() - started) / 1000);
    await new Promise((resolve) => out.end(resolve));
    return { run, passed, seconds, summary: await vitestSummary(log), log };
  } finally {
    out.end();
    // A clone with its node_modules takes over 600 MB, and its log says what happened.
    await rm(clone, { recursive: true, force: true });
  }
}

/** Runs one command with its output appended to the run's log; rejects on a non-zero exit. */
function step(out: NodeJS.WritableStream, command: string, args: string[], cwd: string): Promise<void> {
  out.write(`\n$ ${command} ${args.join(' ')}\n`);
  // As .ci/run installs: no install step may fetch a browser.
  const child = spawn(command, args, { cwd, env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' } });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args[0]} exited with ${code}`))));
  });
}

async function vitestSummary(log: string): Promise<string> {
  const lines = stripVTControlCharacters(await readFile(log, 'utf8')).split('\n').map((line) => line.trim());
  const summary = lines.filter((line) => /^(Test Files|Tests)\s/.test(line));
  return summary.length > 0 ? summary.join('; ') : 'no vitest summary: see the log';
}

function startBurner(): ChildProcess {
  const burner = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
  // Not holding the check open: when the runs are done it exits, and its exit handler stops the burners.
  burner.unref();
  // At 19 (the default, with which the suite passed 10 in a row) a burner takes little CPU from the suite but fills
  // every moment the suite leaves a core idle, so each wake-up has to take a core back; at 0 it halves the suite's CPU.
  if (burner.pid !== undefined) setPriority(burner.pid, burnerNice);
  return burner;
}

function readOptions() {
  try {
    return parseArgs({
      options: {
        runs: { type: 'string', default: '10' },
        'side-by-side': { type: 'string', default: '1' },
        burners: { type: 'string', default: '2' },
        'burner-nice': { type: 'string', default: '19' },
        commit: { type: 'string', default: 'HEAD' },
      },
    }).values;
  } catch (error) {
    return refuse((error as Error).message);
  }
}

function count(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max)) {
    refuse(`--${name} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}, not "${value}"`);
  }
  return number;
}

function resolveCommit(name: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${name}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return refuse(`--commit "${name}" is not a commit of this repository`);
  }
}

function refuse(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

/**
 * Calendar benchmark, in real Chromium: `<p2p-calendar>` against FullCalendar's standard bundle (fullcalendar
 * 6, a dev dependency of this benchmark only) on the org of bench:core (10,000 contacts, 50,000 events; see
 * busy-clinic.ts), the same month and week of the same occurrences, in one run on one page:
 * - first render of month and week views, and navigating to the next month: from creating the calendar (or asking
 *   it for the next month) to the next frame after it has rendered, median and worst of several fresh renders;
 * - DOM nodes each leaves in the page (ours counted through its shadow roots);
 * - bytes shipped, minified and gzipped: our calendar's module (the core included; split into chunks as the app's
 *   build splits it, what it loads on first use counted apart) and FullCalendar's bundle;
 * - page load → the month painted with its events, on a fresh page of a browser that has the org stored, with only
 *   the module and `<p2p-calendar>` in it, and the longest main-thread task in the first 10 s after load.
 * Budgets (ours): each render and navigation < 50 ms, ≥ 5× FullCalendar on the same month, page load → month
 * painted < 500 ms. Printed with PASS/FAIL, not asserted in tests.
 *
 * FullCalendar is handed the occurrences our core expanded for the months shown (it has no RRULE expansion of
 * its own in the standard bundle), so its figures leave out querying 50,000 events, which ours include.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { launchChromium } from '../chromium.ts';
import { newChromiumDevice } from '../device-lab/chromium.ts';
import { ROOT } from '../local-worker.ts';
import { generateBusyClinic } from './busy-clinic.ts';
import { ms, summarize } from './stats.ts';
import type { Core } from '../core-page.ts';
import type { Device } from '../device-lab/device.ts';

const CONTACTS = Number(process.env.CONTACTS ?? 10_000);
const EVENTS = Number(process.env.EVENTS ?? 50_000);
const RUNS = Number(process.env.RUNS ?? 5);
const BUDGET = { renderMs: 50, speedup: 5, pageLoadMs: 500 };
/** A month and a week in the middle of the org's five years, in the zone most of its events are in. */
const MONTH_DATE = '2023-06-15';
const WEEK_DATE = '2023-06-12';
const ZONE = 'Europe/Berlin';
const VIEWPORT = { width: 1300, height: 950 };
const FULLCALENDAR = join(ROOT, 'node_modules', 'fullcalendar', 'index.global.min.js');

/** What a page loads: the entry and the chunks it imports statically. What the calendar imports later (`import()`) is apart. */
interface Bundle {
  /** Every output file by its URL path (`/bench.js`, `/chunk-….js`). */
  files: Map<string, Buffer>;
  /** Gzipped bytes of the calendar's own entry and its static chunks, and of the chunks it loads on first use. */
  calendarGzipBytes: number;
  lazyGzipBytes: number;
  /** The same for the entry with the core's whole API exported, as the benchmark page uses it. */
  benchGzipBytes: number;
}

/**
 * Our calendar's module as a site would ship it, split as the app's build splits it (ESM chunks, dynamic imports
 * apart), with the core and Yjs on exports for generating the org.
 */
async function bundleOurs(outdir: string): Promise<Bundle> {
  const source = (path: string) => JSON.stringify(join(ROOT, path));
  const benchEntry = join(outdir, 'bench.ts');
  writeFileSync(benchEntry, `export * as core from ${source('components/src/core/index.ts')};\nexport * as Y from 'yjs';\nimport ${source('components/src/define/p2p-calendar.ts')};\n`);
  const calendarEntry = join(outdir, 'p2p-calendar.ts');
  writeFileSync(calendarEntry, `import ${source('components/src/define/p2p-calendar.ts')};\n`);
  const result = await build({
    entryPoints: { bench: benchEntry, 'p2p-calendar': calendarEntry },
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'error',
    nodePaths: [join(ROOT, 'node_modules')],
    outdir: join(outdir, 'out'),
    metafile: true,
  });
  const outputs = result.metafile.outputs;
  const files = new Map<string, Buffer>();
  const gzipped = new Map<string, number>();
  for (const path of Object.keys(outputs)) {
    if (!path.endsWith('.js')) continue;
    const bytes = readFileSync(path);
    files.set(`/${basename(path)}`, bytes);
    gzipped.set(path, gzipSync(bytes, { level: 9 }).byteLength);
  }
  /** The entry's static closure and, separately, everything reachable only through dynamic imports. */
  const closure = (entry: string) => {
    const eager = new Set<string>();
    const visit = (path: string) => {
      if (eager.has(path)) return;
      eager.add(path);
      for (const imported of outputs[path]!.imports) if (imported.kind === 'import-statement') visit(imported.path);
    };
    visit(entry);
    const lazy = new Set<string>();
    const visitLazy = (path: string) => {
      for (const imported of outputs[path]!.imports) {
        if (eager.has(imported.path) || lazy.has(imported.path) || imported.external) continue;
        lazy.add(imported.path);
        visitLazy(imported.path);
      }
    };
    for (const path of eager) visitLazy(path);
    const sum = (paths: Set<string>) => [...paths].reduce((total, path) => total + gzipped.get(path)!, 0);
    return { eager: sum(eager), lazy: sum(lazy) };
  };
  const entryOf = (name: string) => Object.keys(outputs).find((path) => outputs[path]!.entryPoint?.endsWith(name))!;
  const calendar = closure(entryOf('p2p-calendar.ts'));
  return { files, calendarGzipBytes: calendar.eager, lazyGzipBytes: calendar.lazy, benchGzipBytes: closure(entryOf('bench.ts')).eager };
}

const PAGES: Record<string, string> = {
  // The core on window.core (as the core page has it), for generating the org and measuring.
  '/index.html': `<!doctype html><meta charset="utf-8"><title>loading</title>
<style>html,body{margin:0;height:100%}#stage{height:900px}</style><div id="stage"></div>
<script src="/fullcalendar.js"></script>
<script type="module">import * as m from '/bench.js'; window.core = m.core; window.Y = m.Y; document.title = 'core ready';</script>`,
  // What a clinic's intranet page holds: the module and the element, nothing else.
  '/calendar.html': `<!doctype html><meta charset="utf-8"><title>calendar</title>
<style>html,body{margin:0;height:100%}</style>
<p2p-calendar view="month" date="${MONTH_DATE}" time-zone="${ZONE}" style="height:100vh"></p2p-calendar>
<script type="module" src="/bench.js"></script>`,
};

function serve(files: Record<string, () => Buffer | string>): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = files[path];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(file());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
    }),
  );
}

interface Measured {
  ours: { month: number[]; next: number[]; week: number[]; monthNodes: number; weekNodes: number; monthChips: number; error?: string };
  fullCalendar: { month: number[]; next: number[]; week: number[]; monthNodes: number; weekNodes: number; events: number };
  core: { query: number[]; conflicts: number[] };
}

/** Runs in the page: both calendars over the same org, fresh instances each run. */
async function measureInPage({ orgId, runs, monthDate, weekDate, zone }: { orgId: string; runs: number; monthDate: string; weekDate: string; zone: string }): Promise<Measured> {
  type FullCalendarGlobal = { Calendar: new (element: HTMLElement, options: Record<string, unknown>) => { render(): void; next(): void; destroy(): void } };
  type CalendarElement = HTMLElement & { session: unknown; updateComplete: Promise<boolean>; date: string };
  const { core } = window as unknown as { core: Core };
  const FullCalendar = (window as unknown as { FullCalendar: FullCalendarGlobal }).FullCalendar;
  const stage = document.getElementById('stage')!;
  const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const nodesIn = (root: Node): number => {
    let count = 0;
    const walk = (node: Node) => {
      count++;
      if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
      for (const child of node.childNodes) walk(child);
    };
    walk(root);
    return count - 1;
  };
  const settled = async (element: CalendarElement) => {
    while (!(await element.updateComplete));
  };
  const session = await core.openOrg(orgId);
  await session.indexesReady;
  // The document loads in idle time after the indexes; loaded now, so that its decoding is not measured as a render.
  void session.doc;

  const ours: Measured['ours'] = { month: [], next: [], week: [], monthNodes: 0, weekNodes: 0, monthChips: 0 };
  try {
    for (let run = 0; run < runs; run++) {
      for (const view of ['month', 'week'] as const) {
        stage.replaceChildren();
        const started = performance.now();
        const element = document.createElement('p2p-calendar') as CalendarElement;
        element.setAttribute('view', view);
        element.setAttribute('date', view === 'month' ? monthDate : weekDate);
        element.setAttribute('time-zone', zone);
        element.style.height = '900px';
        element.session = session;
        stage.append(element);
        await settled(element);
        await nextFrame();
        ours[view].push(performance.now() - started);
        if (view === 'week') ours.weekNodes = nodesIn(element);
        if (view !== 'month') continue;
        ours.monthNodes = nodesIn(element);
        ours.monthChips = element.shadowRoot?.querySelectorAll('[part~="event"]').length ?? 0;
        const navigated = performance.now();
        element.date = '2023-07-15';
        await settled(element);
        await nextFrame();
        ours.next.push(performance.now() - navigated);
      }
    }
  } catch (error) {
    ours.error = String(error);
  }

  // What the core costs of a month render: the occurrences of the grid's six weeks and their double bookings.
  const grid = [Date.UTC(2023, 4, 28), Date.UTC(2023, 6, 9)] as const;
  const coreCost: Measured['core'] = { query: [], conflicts: [] };
  for (let run = 0; run < runs; run++) {
    let started = performance.now();
    session.events.occurrences(...grid, zone);
    coreCost.query.push(performance.now() - started);
    started = performance.now();
    session.events.conflictingIn(...grid, zone);
    coreCost.conflicts.push(performance.now() - started);
  }

  // The grids show whole weeks: six of them around the month, plus the next month for navigating.
  const occurrences = session.events.occurrences(Date.UTC(2023, 4, 28), Date.UTC(2023, 7, 14), zone);
  const events = occurrences.map((occurrence) => ({ title: occurrence.title, start: occurrence.start, end: occurrence.end, allDay: occurrence.allDay }));
  const fullCalendar: Measured['fullCalendar'] = { month: [], next: [], week: [], monthNodes: 0, weekNodes: 0, events: events.length };
  for (let run = 0; run < runs; run++) {
    for (const view of ['dayGridMonth', 'timeGridWeek'] as const) {
      stage.replaceChildren();
      const container = document.createElement('div');
      container.style.height = '900px';
      stage.append(container);
      const started = performance.now();
      const calendar = new FullCalendar.Calendar(container, { initialView: view, initialDate: view === 'dayGridMonth' ? monthDate : weekDate, events, dayMaxEvents: true, height: 900 });
      calendar.render();
      await nextFrame();
      (view === 'dayGridMonth' ? fullCalendar.month : fullCalendar.week).push(performance.now() - started);
      if (view === 'timeGridWeek') {
        fullCalendar.weekNodes = nodesIn(container);
      } else {
        fullCalendar.monthNodes = nodesIn(container);
        const navigated = performance.now();
        calendar.next();
        await nextFrame();
        fullCalendar.next.push(performance.now() - navigated);
      }
      calendar.destroy();
    }
  }
  stage.replaceChildren();
  await session.close();
  return { ours, fullCalendar, core: coreCost };
}

/** Loads the page with only the element on it and waits until its month shows events; in-page timings. */
async function pageLoad(device: Device, url: string): Promise<{ paintedMs: number; chips: number; longestTaskMs: number; tasks: number }> {
  await device.goto(url);
  await device.waitFor(
    'the month painted with its events',
    () => {
      const w = window as unknown as { painted?: number };
      return w.painted !== undefined;
    },
    undefined,
    60_000,
  );
  await device.waitFor('10 s after load', () => performance.now() > 10_000, undefined, 60_000);
  return device.evaluate(() => {
    const w = window as unknown as { painted: number; chips: number; longTasks: number[] };
    return { paintedMs: w.painted, chips: w.chips, longestTaskMs: Math.max(0, ...w.longTasks), tasks: w.longTasks.length };
  });
}

/** Runs before the page's scripts: the first frame in which the calendar shows events, and every long task. */
function watchFirstPaint(): void {
  const w = window as unknown as { painted?: number; chips?: number; longTasks: number[] };
  w.longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.startTime < 10_000) w.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  const check = (time: number) => {
    const chips = document.querySelector('p2p-calendar')?.shadowRoot?.querySelectorAll('[part~="event"]').length ?? 0;
    if (chips > 0) {
      w.painted = time;
      w.chips = chips;
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(check);
}

const outdir = mkdtempSync(join(tmpdir(), 'bench-calendar-'));
const bundled = await bundleOurs(outdir);
const fullCalendarBytes = readFileSync(FULLCALENDAR);
const { server, url } = await serve({
  '/index.html': () => PAGES['/index.html']!,
  '/calendar.html': () => PAGES['/calendar.html']!,
  ...Object.fromEntries([...bundled.files].map(([path, bytes]) => [path, () => bytes])),
  '/fullcalendar.js': () => fullCalendarBytes,
});
const browser = await launchChromium();
let failed = 0;
try {
  const device = await newChromiumDevice(browser);
  await device.setViewport(VIEWPORT);
  await device.addInitScript(watchFirstPaint);
  await device.goto(`${url}/index.html`);
  await device.waitFor('the core on window.core', () => document.title === 'core ready', undefined, 60_000);
  const generated = await generateBusyClinic(device, { contacts: CONTACTS, events: EVENTS });
  console.log(`Calendar benchmark: ${CONTACTS.toLocaleString('en-US')} contacts, ${EVENTS.toLocaleString('en-US')} events (generated in ${generated.seconds.toFixed(1)} s); ${RUNS} fresh renders each`);

  // A fresh page: the org is read from IndexedDB, as after any reload.
  await device.goto(`${url}/index.html`);
  await device.waitFor('the core on window.core', () => document.title === 'core ready', undefined, 60_000);
  const measured = await device.evaluate(measureInPage, { orgId: generated.orgId, runs: RUNS, monthDate: MONTH_DATE, weekDate: WEEK_DATE, zone: ZONE });
  const loaded = await pageLoad(device, `${url}/calendar.html`);

  const verdict = (pass: boolean, budget: string) => {
    if (!pass) failed++;
    return `${pass ? 'PASS' : 'FAIL'} (budget ${budget})`;
  };
  const line = (label: string, ours: number[], theirs: number[]) => {
    const o = summarize(ours);
    const t = summarize(theirs);
    const speedup = t.p50 / o.p50;
    console.log(
      `${label}: ours p50 ${ms(o.p50)} (max ${ms(o.max)}), FullCalendar p50 ${ms(t.p50)} (max ${ms(t.max)}); ${speedup.toFixed(1)}× faster  ` +
        `${verdict(o.p50 < BUDGET.renderMs, `${BUDGET.renderMs} ms`)}, ${verdict(speedup >= BUDGET.speedup, `≥ ${BUDGET.speedup}×`)}`,
    );
  };
  if (measured.ours.error) console.log(`<p2p-calendar> failed while measured (${measured.ours.error}); figures below cover what it rendered`);
  console.log(`Month ${MONTH_DATE.slice(0, 7)}: ours shows ${measured.ours.monthChips} event chips; FullCalendar is given ${measured.fullCalendar.events} occurrences (the grid's weeks and the next month)`);
  if (measured.ours.month.length > 0) {
    line('Month view, first render', measured.ours.month, measured.fullCalendar.month);
    line('Month view, next month', measured.ours.next, measured.fullCalendar.next);
  }
  if (measured.ours.week.length > 0) line('Week view, first render', measured.ours.week, measured.fullCalendar.week);
  const query = summarize(measured.core.query);
  const conflicts = summarize(measured.core.conflicts);
  console.log(`Of which the core, for the month grid's six weeks: occurrences p50 ${ms(query.p50)} (max ${ms(query.max)}), double bookings p50 ${ms(conflicts.p50)} (max ${ms(conflicts.max)})`);
  console.log(`DOM nodes: month ours ${measured.ours.monthNodes}, FullCalendar ${measured.fullCalendar.monthNodes}; week ours ${measured.ours.weekNodes}, FullCalendar ${measured.fullCalendar.weekNodes}`);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const theirsGzip = gzipSync(fullCalendarBytes, { level: 9 }).byteLength;
  console.log(
    `Bytes shipped (minified, gzip -9, split as the app builds): <p2p-calendar> module with the core ${kb(bundled.calendarGzipBytes)} ` +
      `(${kb(bundled.benchGzipBytes)} with the core's whole API exported), and ${kb(bundled.lazyGzipBytes)} loaded on first use (ICS import and export, sync); FullCalendar standard bundle ${kb(theirsGzip)}`,
  );
  console.log(
    `Page load → month painted with its events (fresh page, org stored, only the module and <p2p-calendar>): ${ms(loaded.paintedMs)} for ${loaded.chips} chips  ` +
      verdict(loaded.paintedMs < BUDGET.pageLoadMs, `${BUDGET.pageLoadMs} ms`),
  );
  console.log(`Longest main-thread task in the first 10 s after load: ${loaded.tasks > 0 ? ms(loaded.longestTaskMs) : 'none over 50 ms'} (${loaded.tasks} tasks over 50 ms)`);
} finally {
  await browser.close();
  server.close();
  rmSync(outdir, { recursive: true, force: true });
}
process.exit(failed === 0 ? 0 : 1);

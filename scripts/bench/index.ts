/** `npm run bench`: every benchmark in turn, each printing its own figures and, where an anchor exists, the ratio. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../local-worker.ts';

const benchmarks = ['relay.ts', 'relay-integrity.ts', 'signalling.ts', 'core.ts', 'calendar.ts', 'app.ts'];

let failed = 0;
for (const file of benchmarks) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'bench', file)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { block, sectionsOf, type BenchResults } from '../bench/docs.ts';
import type { PlanFigures } from '../bench/plan.ts';
import { summarize } from '../bench/stats.ts';

// A block as written before the part markers: plan and lint under one line, the sandbox under its own.
const legacy = `
Measured 2026-11-30 00:47 UTC on 2 x AMD EPYC, 24 GB, Node v20.20.2, linux. Every figure: median (min-max) of at least 7 runs, sides interleaved in the same run.

| path | rewind | reference | ratio | goal |
|---|---|---|---|---|
| \`rewind plan APP -o json\` (process), 1001 history entries, vs raw commands (curl x2, git x5, kubectl x2) | 4885.4 ms (3729.7-5637.8) | 1724.1 ms (1367.6-3293.7) | 2.83x | <= 1.0x |
| peak RSS of \`rewind plan\`, 1001 entries | 79 MB | | | <= 70 MB |
| \`migrations lint\`, 320 generated files, vs squawk's native binary | 2288.2 ms (2115.8-3710.1), 85 MB | 995.6 ms (850.4-1318.8), 42 MB | 2.3x | <= 5x |
| lint in-process vs libpg-query's raw \`parseSync\`, 320 generated files | 1258.1 ms (1120.6-2016) | 307.8 ms (176.3-591.4) | 4.09x | <= 1.5x |

The sandbox part (\`npm run bench -- sandbox\`), run on its own branch before the merge: measured 2026-11-30 00:52 UTC on 2 x AMD EPYC.

| path | rewind | reference | ratio | goal |
|---|---|---|---|---|
| idle sandbox CPU, --speed 1 | 5 % (4-6.9) | | | <= 5% |
`;

const ms = (v: number) => summarize([v, v, v, v, v, v, v]);
const plan: PlanFigures = {
  historyEntries: 1001,
  decision: 'argocd-rollback',
  rewindMs: ms(300),
  rawMs: ms(400),
  floorMs: ms(250),
  inProcessMs: ms(100),
  nodeStartMs: ms(40),
  ratioRaw: 0.75,
  ratioFloor: 1.2,
  rewindPeakRssMb: 66,
};

test('a part that ran replaces its rows; the parts that did not keep theirs, each under its own measured line', () => {
  const out = block({ plan: { history1001: plan } } satisfies BenchResults, legacy);
  const s = sectionsOf(out);
  assert.deepEqual([...s.keys()], ['plan', 'migrations', 'sandbox']);
  assert.match(s.get('plan')?.header ?? '', /^`plan`: measured \d{4}-\d\d-\d\d \d\d:\d\d UTC on .*, load average [\d.]+ \/ [\d.]+ \/ [\d.]+/);
  assert.ok(s.get('plan')?.rows.some((r) => r.includes('| 300 ms') && r.includes('0.75x')), out);
  assert.ok(!out.includes('4885.4 ms'), 'the old plan rows are gone');
  assert.match(s.get('migrations')?.header ?? '', /^Measured 2026-11-30 00:47 UTC/);
  assert.equal(s.get('migrations')?.rows.length, 2);
  assert.match(s.get('sandbox')?.header ?? '', /measured 2026-11-30 00:52 UTC/);
  assert.deepEqual(s.get('sandbox')?.rows, ['| idle sandbox CPU, --speed 1 | 5 % (4-6.9) | | | <= 5% |']);
  // Written again with nothing run, the block reads back the same: the marked form keeps every part.
  assert.equal(block({}, out), out);
  assert.equal(out.split('| path | rewind | reference | ratio | goal |').length - 1, 3, 'each part keeps the table\'s form');
});

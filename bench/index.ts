/**
 * `npm run bench`: speed and memory figures, measured and printed, never asserted (never run by
 * `npm test`). Pass names to run a subset: `npm run bench -- plan migrations`;
 * `--corpus DIR` (repeatable) adds a folder of real migrations to the lint comparison;
 * `--write-docs` rewrites the table in docs/performance.md from this run.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { writeDocs } from './docs.ts';
import { benchJournal } from './journal.ts';
import { benchMetrics } from './metrics.ts';
import { benchMigrations } from './migrations.ts';
import { benchPlan } from './plan.ts';
import { benchSandboxFigures } from './sandbox.ts';

const { values, positionals } = parseArgs({ options: { corpus: { type: 'string', multiple: true }, 'write-docs': { type: 'boolean' } }, allowPositionals: true });
const all = {
  plan: benchPlan,
  migrations: () => benchMigrations(values.corpus ?? []),
  sandbox: benchSandboxFigures,
  journal: benchJournal,
  metrics: benchMetrics,
} as const;
// The figures are bin/rewind.js's, which runs the sources through tsx once any is newer than dist/
// (its freshness rule, test files aside): a bench of that measures tsx, not rewind.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const built = statSync(join(ROOT, 'dist', 'rewind.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
const newer = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).find((f) => {
  if (f.endsWith('.test.ts')) return false;
  const st = statSync(join(ROOT, 'src', f));
  return st.isFile() && st.mtimeMs > built;
});
if (newer !== undefined) throw new Error(`dist/ is older than src/${newer}: run \`npm run build\` first (bin/rewind.js would run the sources through tsx)`);
const unknown = positionals.filter((p) => !(p in all));
if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}: pick from ${Object.keys(all).join(', ')}`);
const wanted = (positionals.length ? positionals : Object.keys(all)) as (keyof typeof all)[];
const results: Record<string, unknown> = {};
for (const name of wanted) {
  console.log(`\n== ${name}`);
  results[name] = await all[name]();
}
if (values['write-docs']) {
  const path = fileURLToPath(new URL('../docs/performance.md', import.meta.url));
  writeDocs(path, results);
  console.log(`\ntable written to ${path}`);
}

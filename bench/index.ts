/**
 * `npm run bench`: speed and memory figures, measured and printed, never asserted.
 * Pass names to run a subset: `npm run bench -- plan journal`.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { benchJournal } from './journal.ts';
import { benchMigrations } from './migrations.ts';
import { benchMetrics } from './metrics.ts';
import { benchPlan } from './plan.ts';

const all = { plan: benchPlan, migrations: benchMigrations, journal: benchJournal, metrics: benchMetrics } as const;
const wanted = process.argv.slice(2).filter((a): a is keyof typeof all => a in all);
const results: Record<string, unknown> = {};
for (const name of wanted.length ? wanted : (Object.keys(all) as (keyof typeof all)[])) {
  console.log(`\n== ${name}`);
  results[name] = await all[name]();
}
mkdirSync('bench/.out', { recursive: true });
writeFileSync('bench/.out/results.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('\nresults written to bench/.out/results.json');

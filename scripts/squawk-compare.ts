/**
 * Runs Squawk and rewind on the same migration files and shows where they disagree, and why.
 * Squawk mostly judges lock safety and re-runnability; rewind judges what a code rollback breaks.
 * Invariant (asserted by test/migrations/squawk-compare.test.ts): where Squawk flags backward
 * compatibility, rewind never says `safe` without a reason (a listed, window-excused finding).
 *
 *   node --import tsx scripts/squawk-compare.ts [DIR]   (default test/fixtures/migrations/compare)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWindow, type FileReport } from '../src/analyzers/sql-migration/index.ts';

/** Squawk rules about what existing clients (the old binary) can still do. */
export const squawkCompatRules = new Set([
  'ban-drop-column', 'ban-drop-table', 'renaming-column', 'renaming-table', 'adding-required-field', 'changing-column-type',
  'adding-not-nullable-field', 'ban-drop-not-null', 'ban-drop-database', 'ban-truncate-cascade', 'ban-alter-domain-with-add-constraint',
  'adding-foreign-key-constraint', 'disallowed-unique-constraint',
]);

export interface Comparison {
  readonly file: string;
  readonly squawkCompat: readonly string[];
  readonly squawkOther: readonly string[];
  readonly rewind: FileReport;
  readonly agreement: 'both-flag' | 'both-clear' | 'rewind-only' | 'squawk-only' | 'squawk-only-excused';
}

export async function compare(dir: string): Promise<Comparison[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const squawkBin = join(process.cwd(), 'node_modules', '.bin', 'squawk');
  let raw = '[]';
  try {
    raw = execFileSync(squawkBin, ['--reporter', 'json', join(dir, '*.sql')], { encoding: 'utf8' });
  } catch (e) {
    // squawk exits 1 when it finds something; its report is still on stdout.
    raw = (e as { stdout?: string }).stdout ?? '[]';
  }
  const sq = JSON.parse(raw) as { file: string; rule_name: string }[];
  // Each file alone, as Squawk judges it (a file is still its own window).
  const report = await analyzeWindow(files.map((f) => ({ kind: 'text', path: f, content: readFileSync(join(dir, f), 'utf8') })), { window: false });
  return files.map((file, i) => {
    const rules = [...new Set(sq.filter((s) => s.file.endsWith(`/${file}`)).map((s) => s.rule_name))];
    const compat = rules.filter((r) => squawkCompatRules.has(r));
    const rw = report.files[i] as FileReport;
    const rwFlags = rw.verdict !== 'safe';
    const excused = rw.findings.length > 0;
    const agreement = compat.length && rwFlags ? 'both-flag' : compat.length ? (excused ? 'squawk-only-excused' : 'squawk-only') : rwFlags ? 'rewind-only' : 'both-clear';
    return { file, squawkCompat: compat, squawkOther: rules.filter((r) => !squawkCompatRules.has(r)), rewind: rw, agreement };
  });
}

export function renderComparison(rows: readonly Comparison[]): string {
  const out = ['| file | Squawk (compatibility) | Squawk (other) | rewind | agreement |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const rw = `${r.rewind.verdict}${r.rewind.findings.length ? ` (${[...new Set(r.rewind.findings.map((f) => f.rule))].join(', ')})` : ''}`;
    out.push(`| ${r.file} | ${r.squawkCompat.join(', ') || '-'} | ${r.squawkOther.join(', ') || '-'} | ${rw} | ${r.agreement} |`);
  }
  return out.join('\n');
}

if (process.argv[1]?.endsWith('squawk-compare.ts')) {
  const rows = await compare(process.argv[2] ?? 'test/fixtures/migrations/compare');
  console.log(renderComparison(rows));
  const counts = rows.reduce<Record<string, number>>((m, r) => ({ ...m, [r.agreement]: (m[r.agreement] ?? 0) + 1 }), {});
  console.log(`\n${JSON.stringify(counts)}`);
}

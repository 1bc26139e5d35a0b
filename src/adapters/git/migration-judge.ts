/**
 * Step 0 for the migrations a window changed: reads them at the newer revision and hands them to
 * the SQL migration analyzer (the real Postgres parser), in the order they apply. Down
 * migrations are not judged as forward changes; they are read so the analyzer can pair them.
 */
import type { MigrationWindow } from '../../core/domain.ts';
import type { ChangedFile } from '../../core/ports.ts';
import type { FileReport, MigrationSource } from '../../analyzers/sql-migration/index.ts';

type WindowFile = MigrationWindow['files'][number];

export async function judgeMigrations(
  changed: readonly ChangedFile[],
  read: (path: string) => Promise<string | undefined>,
): Promise<WindowFile[]> {
  if (changed.length === 0) return [];
  // NOTE: loaded only when a migration changed: the parser is WASM and most windows have none.
  const sql = await import('../../analyzers/sql-migration/index.ts');
  const ups = changed.filter((f) => !sql.isDownMigration(f.path)).sort((a, b) => sql.compareMigrationPaths(a.path, b.path));
  const deleted: WindowFile[] = ups
    .filter((f) => f.status === 'deleted')
    .map((f) => Object.freeze({ path: f.path, verdict: 'review', reasons: Object.freeze(['a migration was deleted between the two revisions: check what the database already ran']) }));
  const present = ups.filter((f) => f.status !== 'deleted');

  const sources: MigrationSource[] = [];
  const downs = new Map<string, string>();
  for (const f of present) {
    const content = await read(f.path);
    sources.push(content === undefined ? { kind: 'unreadable', path: f.path, reason: 'not found at the newer revision' } : { kind: 'text', path: f.path, content });
    const down = sql.downPathFor(f.path);
    if (down && content !== undefined) {
      const text = await read(down.path);
      if (text !== undefined) downs.set(down.path, text);
    }
  }
  if (sources.length === 0) return deleted;

  let reports: readonly FileReport[];
  try {
    reports = (await sql.analyzeWindow(sources, { lookup: (p) => downs.get(p) })).files;
  } catch (err) {
    // A Step 0 that cannot run must not read as "no migration": every file needs a human.
    const why = err instanceof Error ? err.message : String(err);
    return [...deleted, ...present.map((f) => Object.freeze({ path: f.path, verdict: 'review' as const, reasons: Object.freeze([`changed migration; the analyzer failed: ${why}`]) }))];
  }
  return [...deleted, ...reports.map(toWindowFile)];
}

function toWindowFile(r: FileReport): WindowFile {
  const findings = r.findings.map((f) => `${f.name} (${f.rule}) at line ${f.line}: ${f.message}`);
  const reasons = findings.length > 0 ? findings : r.statements.map((s) => s.change);
  return Object.freeze({ path: r.path, verdict: r.verdict, reasons: Object.freeze(reasons) });
}

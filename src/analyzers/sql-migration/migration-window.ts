import type { MigrationWindow } from '../../core/domain.ts';
import type { FileReport, WindowReport } from './report-types.ts';
import { worst } from './verdict.ts';

type WindowFile = MigrationWindow['files'][number];

/**
 * Step 0's report as the decision core reads it: one verdict per migration with its reasons.
 * A migration deleted in the window is `review` (the database already ran it); no migration at
 * all is `none`, which only an empty window may be.
 *
 * ### Examples
 * ```ts
 * toMigrationWindow({ verdict: 'unsafe', files: [report of 0042_drop_sku.sql] }, [])
 * // { verdict: 'unsafe', files: [{ path: '…/0042_drop_sku.sql', verdict: 'unsafe',
 * //   reasons: ['drop-column (RW101) at line 1: the old binary still selects …'] }] }
 * ```
 */
export function toMigrationWindow(report: Pick<WindowReport, 'files'>, deleted: readonly string[]): MigrationWindow {
  const files: WindowFile[] = [
    ...deleted.map((path) =>
      Object.freeze({ path, verdict: 'review' as const, reasons: Object.freeze(['a migration was deleted between the two revisions: check what the database already ran']) }),
    ),
    ...report.files.map(toWindowFile),
  ];
  if (files.length === 0) return Object.freeze({ verdict: 'none', files: Object.freeze([]) });
  return Object.freeze({ verdict: worst(files.map((f) => f.verdict)), files: Object.freeze(files) });
}

function toWindowFile(r: FileReport): WindowFile {
  const findings = r.findings.map((f) => `${f.name} (${f.rule}) at line ${f.line}: ${f.message}`);
  const reasons = findings.length > 0 ? findings : r.statements.map((s) => s.change);
  const down = r.down && r.down.style !== 'none' ? { down: Object.freeze({ ...(r.down.path !== undefined ? { path: r.down.path } : {}), exists: r.down.exists, drops: Object.freeze([...r.down.drops]), ...(r.down.sql !== undefined ? { sql: r.down.sql } : {}), ...(r.down.blockers !== undefined ? { blockers: Object.freeze([...r.down.blockers]) } : {}) }) } : {};
  return Object.freeze({ path: r.path, verdict: r.verdict, reasons: Object.freeze(reasons), ...down });
}

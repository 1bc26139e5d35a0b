import { analyzeFile } from './analyze-file.ts';
import { FileParses } from './file-parses.ts';
import { pairDown, type ContentLookup } from './down-migrations.ts';
import { loadParser, parserReady } from './pg-parser.ts';
import type { FileReport, WindowReport } from './report-types.ts';
import { engineFindings } from './rules/engine-findings.ts';
import { worst } from './verdict.ts';
import { WindowState } from './window-state.ts';

/** A migration to judge: its text, or why it could not be read (judged `error`, the run goes on). */
export type MigrationSource =
  | { readonly kind: 'text'; readonly path: string; readonly content: string }
  | { readonly kind: 'unreadable'; readonly path: string; readonly reason: string };

export interface WindowOptions {
  /**
   * True (default): the files are one window, in order (what `check` and `plan` judge), so an
   * object created by an earlier file is unknown to the old binary. False: each file alone.
   */
  readonly window?: boolean;
  /** A missing or contradicting rollback note is a finding. */
  readonly requireNotes?: boolean;
  /** Content of other files (for down-migration pairing); undefined when absent. */
  readonly lookup?: ContentLookup;
}

/**
 * Judges migrations for rollback safety: each statement, each file (worst statement), the run (worst file).
 * Synchronous and pure once the parser is loaded (`await loadParser()`); see `analyzeWindow`.
 *
 * ### Examples
 * ```ts
 * await loadParser();
 * analyzeWindowSync([{ kind: 'text', path: '0042.sql', content: 'ALTER TABLE orders DROP COLUMN qty;' }]);
 * // { verdict: 'unsafe', files: [{ path: '0042.sql', verdict: 'unsafe',
 * //   findings: [{ rule: 'RW101', name: 'drop-column', line: 1, column: 1, ... }] }] }
 * ```
 */
export function analyzeWindowSync(files: readonly MigrationSource[], opts: WindowOptions = {}): WindowReport {
  if (files.length > 0 && !parserReady()) throw new Error('analyzeWindowSync: call `await loadParser()` first (or use analyzeWindow)');
  const byPath = new Map(files.flatMap((f) => (f.kind === 'text' ? [[f.path, f.content] as const] : [])));
  const lookup: ContentLookup = (p) => byPath.get(p) ?? opts.lookup?.(p);
  let window = new WindowState();
  const parses = new FileParses(files);
  const reports: FileReport[] = [];
  for (const [i, f] of files.entries()) {
    if (opts.window === false) window = new WindowState();
    if (f.kind === 'unreadable') {
      const m = engineFindings.unreadable;
      reports.push({
        path: f.path,
        verdict: 'error',
        findings: [{ rule: m.id, name: m.name, verdict: 'error', line: 1, column: 1, statement: '', message: f.reason, hint: m.hint }],
        suppressed: [],
        statements: [],
        down: undefined,
      });
      continue;
    }
    const down = pairDown(f.path, f.content, lookup);
    reports.push(analyzeFile(f.path, f.content, window, { requireNotes: opts.requireNotes ?? false, down, parsed: parses.take(i) }));
  }
  return { verdict: worst(reports.map((r) => r.verdict)), files: reports };
}

/** `analyzeWindowSync` after loading the WASM parser (once per process). */
export async function analyzeWindow(files: readonly MigrationSource[], opts: WindowOptions = {}): Promise<WindowReport> {
  // NOTE: most windows ship no migration; they need not pay for instantiating the WASM parser.
  if (files.length > 0) await loadParser();
  return analyzeWindowSync(files, opts);
}

/** Applies migrations in name order, numbers compared as numbers ("V2" before "V10"). */
export function compareMigrationPaths(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

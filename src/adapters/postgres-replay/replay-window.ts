import { splitStatements, type MigrationSource, type SplitStatement } from '../../analyzers/sql-migration/index.ts';
import { ReplayFailure, type ReplayTarget } from './replay-target.ts';

export type ProbeResult = { readonly ok: true; readonly mode: 'executed' | 'prepared' } | { readonly ok: false; readonly error: string; readonly code: string | undefined };

export interface ApplyOutcome {
  readonly path: string;
  readonly ok: boolean;
  readonly error?: { readonly message: string; readonly code: string | undefined; readonly line: number; readonly column: number; readonly statement: string };
}

export interface QueryOutcome {
  readonly name: string;
  readonly line: number;
  readonly sql: string;
  readonly before: ProbeResult;
  readonly after: ProbeResult;
  /** Worked at last-good, fails after the window: the old binary breaks here. */
  readonly broke: boolean;
  /** The window file after which it first failed. */
  readonly brokenBy: string | undefined;
}

export interface ReplayReport {
  readonly target: string;
  readonly base: readonly ApplyOutcome[];
  readonly window: readonly ApplyOutcome[];
  readonly queries: readonly QueryOutcome[];
  /** Set when a migration failed: nothing after it was applied. */
  readonly stoppedAt: string | undefined;
}

export interface ReplayInput {
  /** All migrations as of last-good, in apply order: the schema the old binary knows. */
  readonly base: readonly MigrationSource[];
  /** The window's migrations (content at the bad revision), in apply order. */
  readonly window: readonly MigrationSource[];
  /** The old binary's representative statements. */
  readonly queries: readonly SplitStatement[];
  readonly target: ReplayTarget;
  readonly signal?: AbortSignal;
}

/**
 * Builds the last-good schema, runs the old binary's queries, applies the window one file at a
 * time and re-runs the queries after each, so a break is attributed to the file that caused it.
 * Queries run inside a transaction that is rolled back; parameterised ones are only prepared.
 */
export async function replayWindow(input: ReplayInput): Promise<ReplayReport> {
  const { target } = input;
  const base: ApplyOutcome[] = [];
  const window: ApplyOutcome[] = [];
  let stoppedAt: string | undefined;
  for (const m of input.base) {
    input.signal?.throwIfAborted();
    const r = await applyFile(target, m);
    base.push(r);
    if (!r.ok) {
      stoppedAt = m.path;
      break;
    }
  }
  const before = new Map<SplitStatement, ProbeResult>();
  for (const q of input.queries) before.set(q, await probe(target, q));
  const after = new Map(before);
  const brokenBy = new Map<SplitStatement, string>();
  if (!stoppedAt) {
    for (const m of input.window) {
      input.signal?.throwIfAborted();
      const r = await applyFile(target, m);
      window.push(r);
      if (!r.ok) {
        stoppedAt = m.path;
        break;
      }
      for (const q of input.queries) {
        if (!after.get(q)?.ok) continue;
        const res = await probe(target, q);
        after.set(q, res);
        if (!res.ok) brokenBy.set(q, m.path);
      }
    }
  }
  const queries = input.queries.map((q, i) => {
    const b = before.get(q) ?? { ok: false, error: 'not run', code: undefined };
    const a = after.get(q) ?? b;
    return { name: q.label ?? `query ${i + 1}`, line: q.line, sql: q.sql, before: b, after: a, broke: b.ok && !a.ok, brokenBy: brokenBy.get(q) };
  });
  return { target: target.description, base, window, queries, stoppedAt };
}

async function applyFile(target: ReplayTarget, m: MigrationSource): Promise<ApplyOutcome> {
  if (m.kind === 'unreadable') return { path: m.path, ok: false, error: { message: m.reason, code: undefined, line: 1, column: 1, statement: '' } };
  const split = splitStatements(m.content);
  if (split.kind === 'error') return { path: m.path, ok: false, error: { message: split.message, code: undefined, line: split.line, column: split.column, statement: '' } };
  for (const s of split.statements) {
    try {
      await target.exec(s.sql);
    } catch (e) {
      if (!(e instanceof ReplayFailure)) throw e;
      // A failure inside the file's own BEGIN leaves the session aborted; clear it.
      await target.exec('ROLLBACK').catch(() => undefined);
      return { path: m.path, ok: false, error: { message: e.message, code: e.code, line: s.line, column: s.column, statement: s.sql } };
    }
  }
  return { path: m.path, ok: true };
}

async function probe(target: ReplayTarget, q: SplitStatement): Promise<ProbeResult> {
  if (q.hasParams) {
    // Without values, a parameterised statement can only be planned: names and types are checked.
    try {
      await target.exec(`PREPARE rewind_probe AS ${q.sql}`);
      return { ok: true, mode: 'prepared' };
    } catch (e) {
      if (!(e instanceof ReplayFailure)) throw e;
      return { ok: false, error: e.message, code: e.code };
    } finally {
      await target.exec('DEALLOCATE ALL').catch(() => undefined);
    }
  }
  await target.exec('BEGIN');
  try {
    await target.exec(q.sql);
    return { ok: true, mode: 'executed' };
  } catch (e) {
    if (!(e instanceof ReplayFailure)) throw e;
    return { ok: false, error: e.message, code: e.code };
  } finally {
    await target.exec('ROLLBACK').catch(() => undefined);
  }
}

import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { flagString, type CommandContext } from '../command.ts';
import { paint } from '../io.ts';
import { UsageError } from '../../core/errors.ts';
import { exitCodeFor, splitStatements, toJson, type SplitStatement } from '../../app/migration-analysis.ts';
import { checkRevisions, replaySources } from '../../app/migrations.ts';
import { createPgliteTarget, createPgServerTarget, replayWindow, type ReplayReport } from '../../app/migrations.ts';
import { migrationFormat, toYaml } from './migrations-output.ts';
import type { CheckResult } from '../../app/migrations.ts';

/**
 * `rewind migrations verify`: replays last-good's schema on a throwaway Postgres, runs the old
 * binary's queries before and after the window, and sets the result beside the static verdict.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const from = flagString(ctx, 'from');
  const to = flagString(ctx, 'to');
  if (!from || !to) throw new UsageError('migrations verify needs --from REV and --to REV', { hint: 'rewind migrations verify --repo ./config --from a1b2c3d --to d8f3c2a --queries old-queries.sql' });
  const format = migrationFormat(ctx, false);
  const repo = flagString(ctx, 'repo') ?? ctx.io.cwd;
  const glob = flagString(ctx, 'path') ?? '*.sql';
  const queries = await readQueries(ctx, flagString(ctx, 'queries'));
  const analysis = await checkRevisions({ repo, from, to, glob });
  const sources = await replaySources({ repo, from, to, glob });
  const url = flagString(ctx, 'database-url');
  if (format === 'text') ctx.io.stderr.write(url ? 'replaying on the server at --database-url...\n' : 'starting PGlite (a few seconds)...\n');
  const target = url ? await createPgServerTarget(url) : await createPgliteTarget();
  let replay: ReplayReport;
  try {
    replay = await replayWindow({ base: sources.base, window: sources.window, queries, target, signal: ctx.signal });
  } finally {
    await target.close();
  }
  const contradictions = contradictionsOf(analysis, replay);
  const broke = replay.queries.some((q) => q.broke);
  const staticCode = exitCodeFor(analysis.verdict);
  const code = replay.stoppedAt ? 2 : Math.max(staticCode, broke ? 1 : 0);
  if (format === 'json' || format === 'yaml') {
    const doc = { ...(toJson(analysis) as object), from: analysis.from, to: analysis.to, replay, contradictions };
    ctx.io.stdout.write(format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : await toYaml(doc));
    return code;
  }
  const out: string[] = [`replay on ${replay.target}`];
  out.push(`  last-good ${analysis.from.slice(0, 12)}: ${replay.base.filter((b) => b.ok).length}/${sources.base.length} migrations applied`);
  out.push(`  window    ${analysis.to.slice(0, 12)}: ${replay.window.filter((b) => b.ok).length}/${sources.window.length} migrations applied`);
  for (const f of [...replay.base, ...replay.window].filter((x) => !x.ok)) {
    out.push(paint(ctx.io, 'red', `  FAILED ${f.path}:${f.error?.line ?? 1}:${f.error?.column ?? 1}: ${f.error?.message ?? ''}`));
  }
  for (const m of sources.modified) out.push(`  note: ${m} was edited after last-good; a database that ran it does not re-run it (not replayed)`);
  if (queries.length === 0) out.push('  no --queries given: the schema replayed, but nothing of the old binary was run against it');
  for (const q of replay.queries) {
    const state = (r: typeof q.before) => (r.ok ? (r.mode === 'prepared' ? 'ok (prepared)' : 'ok') : `FAILS: ${r.error}`);
    const mark = q.broke ? paint(ctx.io, 'red', 'BREAKS') : q.before.ok ? paint(ctx.io, 'green', 'works ') : paint(ctx.io, 'yellow', 'n/a   ');
    out.push(`  ${mark}  ${q.name} (line ${q.line})`);
    out.push(`          before: ${state(q.before)}`);
    out.push(`          after:  ${state(q.after)}${q.brokenBy ? ` (after ${q.brokenBy})` : ''}`);
  }
  for (const c of contradictions) out.push(paint(ctx.io, 'yellow', `  ${c}`));
  out.push(`static verdict: ${analysis.verdict.toUpperCase()}; replay: ${broke ? 'the old binary breaks' : replay.stoppedAt ? 'incomplete' : 'no given query broke'}`);
  ctx.io.stdout.write(out.join('\n') + '\n');
  return code;
}

/** Where replay and the static verdict disagree; reported, never hidden. */
function contradictionsOf(analysis: CheckResult, replay: ReplayReport): string[] {
  const out: string[] = [];
  if (replay.stoppedAt) return out;
  for (const q of replay.queries.filter((x) => x.broke)) {
    const file = analysis.files.find((f) => f.path === q.brokenBy);
    if (file && file.verdict === 'safe') out.push(`replay contradicts the analysis: ${file.path} was judged safe, but "${q.name}" breaks after it (${q.after.ok ? '' : q.after.error})`);
  }
  const brokenFiles = new Set(replay.queries.map((q) => q.brokenBy));
  for (const f of analysis.files.filter((x) => x.verdict === 'unsafe' && !brokenFiles.has(x.path))) {
    if (replay.queries.length > 0) out.push(`replay did not confirm ${f.path} (unsafe): none of the given queries broke; the verdict stands, the queries are only a sample of the old binary`);
  }
  return out;
}

async function readQueries(ctx: CommandContext, file: string | undefined): Promise<SplitStatement[]> {
  if (!file) return [];
  let text: string;
  try {
    text = await readFile(isAbsolute(file) ? file : join(ctx.io.cwd, file), 'utf8');
  } catch (e) {
    throw new UsageError(`--queries ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const { loadParser } = await import('../../app/migration-analysis.ts');
  await loadParser();
  const split = splitStatements(text);
  if (split.kind === 'error') throw new UsageError(`--queries ${file}:${split.line}:${split.column}: ${split.message}`);
  return [...split.statements];
}

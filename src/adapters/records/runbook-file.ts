/**
 * Runbook records on disk: a verified run adds its row to the runbook's "When this runbook last
 * worked" table; when the file is in a git repo the row is committed with the configured
 * identity (the file alone: nobody's other edits ride along), and pushed only when configured.
 * Idempotent: the row names the run, so a resumed run finds it and does not add it twice.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { DeliveryError, type Notice } from '../../core/comms.ts';
import type { Notifier } from '../../core/ports.ts';
import { addLastWorkedRow, lastWorkedRows, type RunbookRow } from './runbook-table.ts';

export interface RunbookRecorderOptions {
  readonly name: string;
  readonly file: string;
  readonly git: { readonly authorName: string; readonly authorEmail: string; readonly push: boolean };
}

function git(cwd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile('git', [...args], { cwd, env: { ...process.env, ...env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(stderr.trim().split('\n').at(-1) ?? err.message));
      else resolvePromise(stdout.trim());
    });
  });
}

/** The row a verified run writes. */
export function runbookRow(n: Notice): RunbookRow {
  const f = n.facts;
  return {
    date: (f.mitigatedAt ?? new Date().toISOString()).slice(0, 10),
    app: f.app,
    region: f.region,
    resolvedBy: f.resolvedBy,
    notes: [f.change, f.metricsRecovered ? 'metrics recovered' : 'recovery metrics not checked', `run ${f.runId}`].filter(Boolean).join('; '),
  };
}

export function createRunbookRecorder(opts: RunbookRecorderOptions): Notifier {
  const target = `runbook ${opts.name}`;
  return {
    target,
    async deliver(notice) {
      let text: string;
      try {
        text = await readFile(opts.file, 'utf8');
      } catch (e) {
        throw new DeliveryError(`${target}: cannot read ${opts.file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { retryable: false });
      }
      const mark = `run ${notice.facts.runId}`;
      const present = lastWorkedRows(text).some((r) => r.notes.includes(mark));
      if (!present) await writeFile(opts.file, addLastWorkedRow(text, runbookRow(notice)));
      const dir = dirname(opts.file);
      const top = await git(dir, ['rev-parse', '--show-toplevel']).catch(() => undefined);
      if (top === undefined) return { ref: 'written' };
      const path = relative(top, opts.file);
      const who = { GIT_AUTHOR_NAME: opts.git.authorName, GIT_AUTHOR_EMAIL: opts.git.authorEmail, GIT_COMMITTER_NAME: opts.git.authorName, GIT_COMMITTER_EMAIL: opts.git.authorEmail };
      try {
        const dirty = (await git(top, ['status', '--porcelain', '--', path])) !== '';
        if (dirty) {
          await git(top, ['add', '--', path]);
          await git(top, ['commit', '--no-verify', '-m', `runbook ${opts.name}: ${notice.facts.app} recovered (${mark})`, '--', path], who);
        }
        if (opts.git.push) await git(top, ['push']);
        return { ref: await git(top, ['rev-parse', '--short', 'HEAD']) };
      } catch (e) {
        // A push can fail for a moment (network, a concurrent push): retry; the row and commit are kept.
        throw new DeliveryError(`${target}: git: ${(e as Error).message}`, { retryable: true });
      }
    },
  };
}

export interface RunbookStatus {
  readonly name: string;
  readonly file: string;
  readonly rows: readonly RunbookRow[];
  readonly error?: string;
}

export async function readRunbook(name: string, file: string): Promise<RunbookStatus> {
  try {
    return { name, file, rows: lastWorkedRows(await readFile(file, 'utf8')) };
  } catch (e) {
    return { name, file, rows: [], error: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}` };
  }
}

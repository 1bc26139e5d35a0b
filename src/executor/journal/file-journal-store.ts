import { closeSync, constants, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AdapterError, RefusedError } from '../../core/errors.ts';
import type { JournalStore } from '../../core/ports.ts';
import type { JournalRecord, RunStatus, RunSummary } from '../../core/run.ts';

/**
 * The embedded journal: one append-only JSON-lines file per run under `<dir>/runs/`, each
 * append fsync'd before it returns, and a lease file per app created with O_EXCL.
 *
 * Chosen over PGlite by measurement (docs/journal.md): opening it costs nothing, where PGlite
 * needs 0.4 s to reopen a data dir and ~0.5 GB of memory. A torn last line (crash mid-write)
 * is ignored on read, so every complete record survives.
 */
export class FileJournalStore implements JournalStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async append(record: JournalRecord): Promise<void> {
    await mkdir(join(this.#dir, 'runs'), { recursive: true });
    const file = this.#runFile(record.runId);
    try {
      const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
      try {
        writeSync(fd, `${JSON.stringify(record)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      throw new AdapterError('journal', 'append', `cannot write ${file}: ${(e as Error).message}`, { cause: e });
    }
  }

  async read(runId: string): Promise<readonly JournalRecord[]> {
    let text: string;
    try {
      text = await readFile(this.#runFile(runId), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new AdapterError('journal', 'read', (e as Error).message, { cause: e });
    }
    const records: JournalRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        records.push(JSON.parse(line) as JournalRecord);
      } catch {
        // NOTE: only the last line can be torn (appends are sequential); skip it.
      }
    }
    return records;
  }

  async listRuns(app?: string): Promise<readonly RunSummary[]> {
    let names: string[];
    try {
      names = await readdir(join(this.#dir, 'runs'));
    } catch {
      return [];
    }
    const out: RunSummary[] = [];
    for (const name of names.filter((n) => n.endsWith('.jsonl'))) {
      const summary = summarize(await this.read(name.slice(0, -'.jsonl'.length)));
      if (summary && (!app || summary.app === app)) out.push(summary);
    }
    return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  async acquireLease(app: string, runId: string): Promise<() => Promise<void>> {
    const dir = join(this.#dir, 'leases');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${encodeURIComponent(app)}.lock`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        writeSync(fd, JSON.stringify({ runId, pid: process.pid, host: hostname(), at: new Date().toISOString() }));
        fsyncSync(fd);
        closeSync(fd);
        return async () => {
          await rm(file, { force: true });
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new AdapterError('journal', 'lease', (e as Error).message, { cause: e });
        }
        const holder = await readHolder(file);
        if (holder && holder.host === hostname() && !isAlive(holder.pid)) {
          // The holder died without releasing (crash): its run stays resumable; the lease is free.
          await rm(file, { force: true });
          continue;
        }
        throw new RefusedError(`another rewind run (${holder?.runId ?? 'unknown'}) is in progress for ${app}`, {
          hint: `wait for it, or if it is dead on another host remove ${file}`,
        });
      }
    }
    throw new RefusedError(`could not take the lease for ${app}`);
  }

  async close(): Promise<void> {}

  #runFile(runId: string): string {
    if (!/^[\w.-]+$/.test(runId)) throw new AdapterError('journal', 'read', `invalid run id "${runId}"`);
    return join(this.#dir, 'runs', `${runId}.jsonl`);
  }
}

async function readHolder(file: string): Promise<{ runId: string; pid: number; host: string } | undefined> {
  try {
    await stat(file);
    return JSON.parse(await readFile(file, 'utf8')) as { runId: string; pid: number; host: string };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Folds a run's records into its summary; undefined for an empty or headless file. */
export function summarize(records: readonly JournalRecord[]): RunSummary | undefined {
  const first = records[0];
  if (!first || first.type !== 'run-started') return undefined;
  let status: RunStatus = 'running';
  for (const r of records) if (r.type === 'run-status') status = r.status;
  const last = records[records.length - 1] ?? first;
  return { runId: first.runId, app: first.app, status, startedAt: first.at, updatedAt: last.at };
}

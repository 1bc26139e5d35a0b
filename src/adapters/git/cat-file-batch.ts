/**
 * One long-lived `git cat-file --batch` per repository per process (issue 19: a plan started a
 * git process per commit it resolved and per file it read, 9 of its 18). The protocol is git's
 * own (git-cat-file(1), "BATCH OUTPUT"; builtin/cat-file.c, `batch_one_object`): one object name
 * a line in; `<oid> <type> <size>\n<contents>\n` back, or `<name> missing\n` (also
 * `ambiguous`), answers in the order asked.
 *
 * Objects a later `git fetch` brings are seen: git looks through the pack directory again when
 * it misses an object (object-file.c, `reprepare_packed_git`). Only objects are read here, never
 * refs, whose answer would change under a long-lived process.
 *
 * The process never keeps rewind alive: it is unref'd whenever nothing waits on it, and ends at
 * EOF on its stdin, which it gets when rewind exits.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface BatchObject {
  readonly oid: string;
  readonly type: string;
  readonly content: Buffer;
}

export interface CatFileBatch {
  /** The object `name` names (`<commit>:<path>`, `<hash>^{commit}`), or undefined when git says it is missing. */
  read(name: string): Promise<BatchObject | undefined>;
  /** Starts the process before the first read, so that read does not wait for git to start. */
  warm(): void;
}

interface Pending {
  readonly name: string;
  readonly resolve: (o: BatchObject | undefined) => void;
  readonly reject: (e: Error) => void;
}

/** Any failure of the batch process itself: the caller falls back to one git process per read. */
export class BatchUnavailable extends Error {}

export function openCatFileBatch(o: { readonly git: string; readonly path: string; readonly env: NodeJS.ProcessEnv }): CatFileBatch {
  let child: ChildProcessByStdio<Writable, Readable, null> | undefined;
  let broken: Error | undefined;
  const queue: Pending[] = [];
  let buf: Buffer = Buffer.alloc(0);

  const fail = (e: Error) => {
    broken ??= new BatchUnavailable(`git cat-file --batch in ${o.path}: ${e.message}`);
    for (const p of queue.splice(0)) p.reject(broken);
    child = undefined;
  };

  // Keeps the event loop alive exactly while an answer is awaited.
  const hold = (on: boolean) => {
    if (!child) return;
    for (const h of [child, child.stdin, child.stdout] as { ref(): unknown; unref(): unknown }[]) {
      if (on) h.ref();
      else h.unref();
    }
  };

  function drain(): void {
    for (;;) {
      const p = queue[0];
      if (!p) return;
      const eol = buf.indexOf(10);
      if (eol < 0) return;
      const header = buf.subarray(0, eol).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        buf = buf.subarray(eol + 1);
        queue.shift();
        p.resolve(undefined);
        continue;
      }
      const [oid = '', type = '', size = ''] = header.split(' ');
      const n = Number(size);
      if (!/^[0-9a-f]{40,64}$/.test(oid) || !Number.isInteger(n)) return fail(new Error(`unexpected answer "${header.slice(0, 80)}"`));
      if (buf.length < eol + 1 + n + 1) return;
      const content = Buffer.from(buf.subarray(eol + 1, eol + 1 + n));
      buf = buf.subarray(eol + 1 + n + 1);
      queue.shift();
      p.resolve({ oid, type, content });
    }
  }

  function start(): ChildProcessByStdio<Writable, Readable, null> {
    const c = spawn(o.git, ['-C', o.path, 'cat-file', '--batch'], { env: o.env, stdio: ['pipe', 'pipe', 'ignore'] });
    c.on('error', fail);
    c.on('exit', (code, signal) => fail(new Error(`exited ${code ?? signal}`)));
    c.stdin.on('error', fail);
    c.stdout.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      drain();
      if (queue.length === 0) hold(false);
    });
    return c;
  }

  return {
    warm() {
      if (broken || child) return;
      child = start();
      hold(false);
    },
    read(name) {
      if (broken) return Promise.reject(broken);
      // NOTE: one name a line; a name with a line break cannot be asked this way.
      if (/[\n\r]/.test(name)) return Promise.reject(new BatchUnavailable(`a line break in ${JSON.stringify(name)}`));
      child ??= start();
      return new Promise<BatchObject | undefined>((resolve, reject) => {
        queue.push({ name, resolve, reject });
        hold(true);
        child?.stdin.write(`${name}\n`);
      });
    },
  };
}

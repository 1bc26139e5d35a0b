/**
 * Temporary folders for tests, removed when the test file's process exits (each test file runs in
 * its own process): a suite run must leave nothing in /tmp, whichever test made the folder and
 * however it ended.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

function track(dir: string): string {
  if (made.length === 0) {
    process.once('exit', () => {
      for (const d of made) rmSync(d, { recursive: true, force: true });
    });
  }
  made.push(dir);
  return dir;
}

/** A new folder under the system's temporary folder, named `prefix` + random. */
export function tempDirSync(prefix: string): string {
  return track(mkdtempSync(join(tmpdir(), prefix)));
}

export async function tempDir(prefix: string): Promise<string> {
  return track(await mkdtemp(join(tmpdir(), prefix)));
}

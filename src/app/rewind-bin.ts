import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Path of bin/rewind.js, for commands that start rewind itself as a child (the detached sandbox,
 * the demo). Found by walking up from this module, which lives under src/ when run from source
 * and under dist/ when bundled.
 */
export function rewindBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'bin', 'rewind.js');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('cannot find bin/rewind.js above the rewind modules');
}

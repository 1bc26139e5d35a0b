/**
 * `git diff -U1` output as hunks (the core judges them, core/flags/coverage.ts). One line of
 * context is kept so an env entry's `value:` line can be read with its `name:` line.
 */
import type { Hunk, HunkLine } from '../../core/flags/types.ts';

export function parseUnifiedDiff(text: string): Hunk[] {
  const hunks: Hunk[] = [];
  let path = '';
  let current: { path: string; header: string; lines: HunkLine[] } | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = undefined;
      path = '';
      continue;
    }
    if (line.startsWith('--- ')) {
      // A deleted file has no `+++ b/` path: keep the old one.
      if (line !== '--- /dev/null') path = line.slice(6);
      continue;
    }
    if (line.startsWith('+++ ')) {
      if (line !== '+++ /dev/null') path = line.slice(6);
      continue;
    }
    const header = /^(@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@)/.exec(line);
    if (header) {
      current = { path, header: header[1]!, lines: [] };
      hunks.push(current);
      continue;
    }
    if (!current) continue;
    const op = line[0];
    if (op === ' ' || op === '+' || op === '-') current.lines.push({ op, text: line.slice(1) });
  }
  return hunks;
}

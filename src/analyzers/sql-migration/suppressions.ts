/** `-- rewind:ignore RW101 reason`: silences that rule on the next statement (listed, never hidden). */
export interface Suppression {
  readonly line: number;
  readonly rules: readonly string[];
  readonly reason: string;
}

const pattern = /--\s*rewind:ignore\s+((?:RW\d{3})(?:\s*,\s*RW\d{3})*)[ \t]*(.*)$/i;

export function findSuppressions(text: string): Suppression[] {
  const out: Suppression[] = [];
  if (!text.includes('rewind:ignore')) return out;
  text.split('\n').forEach((line, i) => {
    const m = pattern.exec(line);
    if (!m) return;
    out.push({
      line: i + 1,
      rules: (m[1] ?? '').split(',').map((r) => r.trim().toUpperCase()),
      reason: (m[2] ?? '').replace(/\*\/\s*$/, '').trim(),
    });
  });
  return out;
}

/** The statement start line a suppression applies to: the first at or after its own line. */
export function targetLine(s: Suppression, statementLines: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const l of statementLines) if (l >= s.line && (best === undefined || l < best)) best = l;
  return best;
}

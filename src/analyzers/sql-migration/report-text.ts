import type { WindowReport } from './report-types.ts';
import type { Verdict } from './verdict.ts';

export interface TextStyle {
  /** Colours a verdict word; identity when colour is off. */
  readonly verdict: (v: Verdict, text: string) => string;
  readonly dim: (text: string) => string;
}

const plain: TextStyle = { verdict: (_v, t) => t, dim: (t) => t };

/** Human output: one block per file, `path:line:col  VERDICT  RULE name`, message, statement, hint. */
export function toText(report: WindowReport, style: TextStyle = plain): string {
  const out: string[] = [];
  for (const f of report.files) {
    out.push(`${f.path}: ${style.verdict(f.verdict, f.verdict.toUpperCase())}`);
    for (const x of f.findings) {
      out.push(`  ${f.path}:${x.line}:${x.column}  ${style.verdict(x.verdict, x.verdict.padEnd(6))}  ${x.rule} ${x.name}`);
      out.push(`    ${x.message}`);
      if (x.statement) out.push(style.dim(`    > ${x.statement}`));
      if (x.verdict !== 'safe') out.push(style.dim(`    hint: ${x.hint}`));
    }
    for (const s of f.suppressed) out.push(style.dim(`  ${f.path}:${s.line}:${s.column}  suppressed ${s.rule} ${s.name} (line ${s.suppressedAt}: ${s.reason})`));
    const d = f.down;
    if (d && d.style !== 'none') {
      const what = !d.exists ? 'no down migration' : d.drops.length ? `down ${d.path ?? ''} drops ${d.drops.join(', ')} (data written since is lost)` : `down ${d.path ?? ''}`;
      out.push(style.dim(`  ${d.style}: ${what}`));
    }
  }
  const counts = (['safe', 'review', 'unsafe', 'error'] as const).map((v) => `${report.files.filter((f) => f.verdict === v).length} ${v}`);
  out.push('', `${report.files.length} file${report.files.length === 1 ? '' : 's'}: ${counts.join(', ')}. Verdict: ${style.verdict(report.verdict, report.verdict.toUpperCase())}`);
  return out.join('\n') + '\n';
}

import type { WindowReport } from './report-types.ts';

/**
 * The documented JSON shape: `{ verdict, files: [{ path, verdict, findings: [{ rule, name, verdict,
 * line, column, statement, message, hint }], suppressed, down }] }`. `suppressed` and `down` are
 * additions; the per-statement summaries stay internal (the note uses them).
 */
export function toJson(report: WindowReport): unknown {
  return {
    verdict: report.verdict,
    files: report.files.map((f) => ({
      path: f.path,
      verdict: f.verdict,
      findings: f.findings,
      suppressed: f.suppressed,
      ...(f.down && f.down.style !== 'none' ? { down: f.down } : {}),
    })),
  };
}

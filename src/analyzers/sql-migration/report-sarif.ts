import type { WindowReport } from './report-types.ts';
import type { RuleMeta } from './rule.ts';
import { statementRules } from './rules/index.ts';
import { engineFindings } from './rules/engine-findings.ts';
import type { Verdict } from './verdict.ts';

/** Every rule id rewind can report, for SARIF's rule table and the docs. */
// NOTE: ordered by code unit, not `localeCompare`: the ids are ASCII (RW001...), and a process's first
// `localeCompare` builds ICU's collator (~5 ms), which every plan paid at this module's load (issue 19).
export const allRules: readonly RuleMeta[] = [...Object.values(engineFindings), ...statementRules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const level: Readonly<Record<Verdict, 'none' | 'note' | 'warning' | 'error'>> = { safe: 'note', review: 'warning', unsafe: 'error', error: 'error' };

/** SARIF 2.1.0 for code-scanning UIs; suppressed findings carry an `inSource` suppression. */
export function toSarif(report: WindowReport, toolVersion = '0.1.0'): unknown {
  const index = new Map(allRules.map((r, i) => [r.id, i]));
  const result = (path: string, f: { rule: string; verdict: Verdict; line: number; column: number; message: string; statement: string; hint: string }) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule) ?? 0,
    level: level[f.verdict],
    message: { text: `${f.message}. Hint: ${f.hint}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: path.replace(/^\.\//, '') }, region: { startLine: f.line, startColumn: f.column, snippet: { text: f.statement } } } }],
    properties: { verdict: f.verdict },
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rewind',
            version: toolVersion,
            rules: allRules.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: `${r.name} (${r.verdict})` },
              fullDescription: { text: r.why },
              help: { text: r.hint },
              defaultConfiguration: { level: level[r.verdict] },
              properties: { verdict: r.verdict },
            })),
          },
        },
        results: report.files.flatMap((file) => [
          ...file.findings.map((f) => result(file.path, f)),
          ...file.suppressed.map((s) => ({ ...result(file.path, s), suppressions: [{ kind: 'inSource', justification: s.reason }] })),
        ]),
        properties: { verdict: report.verdict },
      },
    ],
  };
}

/**
 * The rollback note of the seed guide's Milestone 5, as a comment header:
 *
 *   -- Migration: add_kyc_status_column
 *   -- Forward: add column users.kyc_status text (nullable)
 *   -- Rollback-safe: yes - the old binary never reads what this adds; safe to leave
 *   -- Rollback action if needed: none required, no app rollback dependency
 */
import type { FileReport } from './report-types.ts';
import type { Verdict } from './verdict.ts';

const safeWord: Readonly<Record<Verdict, string>> = { safe: 'yes', review: 'review', unsafe: 'no', error: 'unknown' };

/** The note for a judged file, ready to paste at the top of it. */
export function renderNote(report: FileReport): string {
  const name = (report.path.split('/').pop() ?? report.path).replace(/\.(up\.)?sql$/i, '');
  const changes = [...new Set(report.statements.map((s) => s.change).filter((c) => c !== 'no change' && c !== 'transaction control' && c !== 'session setting' && c !== 'DO block'))];
  const forward = changes.length === 0 ? 'no schema change' : changes.length > 8 ? `${changes.slice(0, 8).join('; ')}; and ${changes.length - 8} more` : changes.join('; ');
  const bad = report.findings.filter((f) => f.verdict !== 'safe');
  const reason =
    report.verdict === 'safe'
      ? 'the old binary never reads what this adds, or keeps working with it; safe to leave in place'
      : report.verdict === 'error'
        ? bad[0]?.message ?? 'the file could not be judged'
        : bad.slice(0, 2).map((f) => `${f.message} (${f.rule}, line ${f.line})`).join('; ') + (bad.length > 2 ? `; and ${bad.length - 2} more findings` : '');
  const down = report.down;
  const downText = !down || down.style === 'none' ? '' : !down.exists ? ` No down migration (${down.style}).` : down.drops.length ? ` Down migration ${down.path ?? ''} drops ${down.drops.join(', ')}: data written since is lost.` : ` Down migration: ${down.path ?? ''}.`;
  const action =
    report.verdict === 'safe'
      ? 'none required, no app rollback dependency'
      : report.verdict === 'review'
        ? `check the findings against the old binary before rolling back code; if it breaks, roll forward instead.${downText}`
        : report.verdict === 'unsafe'
          ? `code rollback alone is not enough: restore the data (data-rollback-postgres-pitr.md) or roll forward.${downText}`
          : 'fix the file first';
  return [
    `-- Migration: ${name}`,
    `-- Forward: ${forward}`,
    `-- Rollback-safe: ${safeWord[report.verdict]} - ${reason}`,
    `-- Rollback action if needed: ${action.trim()}`,
    '',
  ].join('\n');
}

export type NoteProblem =
  | { readonly kind: 'missing'; readonly line: number; readonly text: string; readonly message: string }
  | { readonly kind: 'contradicts'; readonly line: number; readonly text: string; readonly message: string };

const claim: Readonly<Record<string, Verdict>> = { yes: 'safe', no: 'unsafe', review: 'review', depends: 'review', partial: 'review' };

/** Checks the header note against the analysed verdict; undefined when it is present and agrees. */
export function checkNote(text: string, verdict: Verdict): NoteProblem | undefined {
  const lines = text.split('\n');
  const idx = lines.findIndex((l) => /^\s*--\s*Rollback-safe\s*:/i.test(l));
  const hasMigration = lines.some((l) => /^\s*--\s*Migration\s*:/i.test(l));
  const hasAction = lines.some((l) => /^\s*--\s*Rollback action( if needed)?\s*:/i.test(l));
  if (idx < 0 || !hasMigration || !hasAction) {
    const missing = [!hasMigration && 'Migration', idx < 0 && 'Rollback-safe', !hasAction && 'Rollback action'].filter(Boolean).join(', ');
    return { kind: 'missing', line: 1, text: lines[0]?.trim() ?? '', message: `no rollback note (missing ${missing})` };
  }
  const line = lines[idx] ?? '';
  const word = /Rollback-safe\s*:\s*([A-Za-z]+)/i.exec(line)?.[1]?.toLowerCase() ?? '';
  const said = claim[word];
  if (said === undefined) return { kind: 'contradicts', line: idx + 1, text: line.trim(), message: `Rollback-safe says "${word}"; write yes, review or no` };
  if (said !== verdict && verdict !== 'error') {
    return { kind: 'contradicts', line: idx + 1, text: line.trim(), message: `the note says Rollback-safe: ${word}, the analysis says ${verdict} (rewind would write "${safeWord[verdict]}")` };
  }
  return undefined;
}

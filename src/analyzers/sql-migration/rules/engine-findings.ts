import type { RuleMeta } from '../rule.ts';

/** Findings the engine raises itself (not from one statement's shape). Ids are stable. */
export const engineFindings = {
  parseError: {
    id: 'RW001',
    name: 'parse-error',
    verdict: 'error',
    why: 'the file is not valid SQL for the Postgres grammar, so nothing in it was judged',
    hint: 'fix the syntax at the position shown; rewind uses the real Postgres parser (libpg-query)',
  },
  unreadable: {
    id: 'RW002',
    name: 'unreadable-file',
    verdict: 'error',
    why: 'the file could not be read as UTF-8 text (missing, unreadable, binary, invalid UTF-8, or over --max-bytes)',
    hint: 'check the path and encoding; raise --max-bytes for a very large migration',
  },
  unresolvedBody: {
    id: 'RW210',
    name: 'unresolved-dynamic-sql',
    verdict: 'review',
    why: 'a DO block or function runs SQL rewind cannot see: EXECUTE of a computed string, a body in another language, or a body that does not parse',
    hint: 'write the statements out literally (EXECUTE of a string constant is resolved), or suppress with a reason after checking them',
  },
  unclassified: {
    id: 'RW299',
    name: 'unclassified-statement',
    verdict: 'review',
    why: 'no rule knows this statement (CREATE ROLE, ALTER SYSTEM, DROP EXTENSION, ...) to be harmless for the old binary',
    hint: 'check what it changes for the old binary, then suppress with a reason',
  },
  missingNote: {
    id: 'RW301',
    name: 'missing-rollback-note',
    verdict: 'review',
    why: '--require-notes: every migration carries the rollback note (Migration / Forward / Rollback-safe / Rollback action)',
    hint: 'run `rewind migrations note FILE` and paste its output at the top of the file',
  },
  contradictingNote: {
    id: 'RW302',
    name: 'rollback-note-contradicts',
    verdict: 'review',
    why: 'the note says the migration is rollback-safe (or not) and the analysis says otherwise',
    hint: 'correct the note (or the migration); `rewind migrations note FILE` prints what the analysis found',
  },
  suppressionWithoutReason: {
    id: 'RW303',
    name: 'suppression-without-reason',
    verdict: 'review',
    why: 'a `-- rewind:ignore RULE` without a reason is not honoured: the next reader needs to know why',
    hint: 'write `-- rewind:ignore RW101 <why this is safe here>`',
  },
} as const satisfies Record<string, RuleMeta>;

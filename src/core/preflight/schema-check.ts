import type { MigrationWindow } from '../domain.ts';
import type { Preflight } from './types.ts';
import { result } from './types.ts';

const PITR =
  'follow data-rollback-postgres-pitr.md (the data layer) first, or roll forward with a fix if that is faster to write and verify than reasoning through the data implications of a rollback';

/** Step 0: did the window ship a migration the binary we roll back to cannot live with? */
export const schemaCheck: Preflight = ({ facts, policy, lkg }) => {
  const title = 'Schema compatibility (Step 0)';
  if (!lkg.ok) return null;
  const fact = facts.migrations;
  if (fact === undefined) {
    return facts.app.migrations === undefined
      ? result({ id: 'schema', title, status: 'info', detail: 'no migrations glob configured for this app: Step 0 not applicable', evidence: [] })
      : result({ id: 'schema', title, status: 'warn', detail: 'Step 0 did not run: check the migration diff by hand before rolling back', evidence: [] }, [
          'Step 0 did not run: check the migration diff by hand before rolling back',
        ]);
  }
  const w = fact.value;
  const evidence = w.files.map((f) => ({ claim: `${f.path}: ${f.verdict}${f.reasons.length ? ` (${f.reasons.join('; ')})` : ''}`, source: fact.source }));
  if (w.verdict === 'none' || w.files.length === 0) {
    return result({ id: 'schema', title, status: 'pass', detail: 'no migration changed between the two revisions: safe to roll code back', evidence: [{ claim: 'empty migration diff', source: fact.source }] });
  }
  const names = w.files.map((f) => f.path).join(', ');
  if (w.verdict === 'unsafe') {
    const detail = `unsafe migration shipped (${listBy(w, 'unsafe')}): the old binary cannot read the migrated schema; a code rollback would trade the outage for data corruption`;
    return result({ id: 'schema', title, status: 'fail', detail, evidence }, [], [`Step 0: ${detail}. Next: ${PITR}`]);
  }
  if ((policy.migrationGate ?? 'any-change') === 'any-change') {
    const detail = `migration changed (${names}); until Step 0's analyzer is wired in, any changed migration blocks automatic execution`;
    const next =
      'read the diff: ADD COLUMN / ADD TABLE keeps the old binary working (roll back by hand: disable auto-sync, argocd app rollback); DROP, RENAME or a new NOT NULL does not: ' +
      PITR;
    return result({ id: 'schema', title, status: 'fail', detail, evidence }, [], [`Step 0: ${detail}. Next: ${next}`]);
  }
  if (w.verdict === 'error') {
    const detail = `could not judge ${listBy(w, 'error')}: nothing was checked`;
    return result({ id: 'schema', title, status: 'fail', detail, evidence }, [], [`Step 0: ${detail}. Next: read the diff by hand; if it is not purely additive, ${PITR}`]);
  }
  if (w.verdict === 'review') {
    const detail = `migration needs review (${listBy(w, 'review')}): it depends on the data or on what the old code does`;
    if (policy.migrationReview === 'block') {
      return result({ id: 'schema', title, status: 'fail', detail, evidence }, [], [`Step 0: ${detail}. Next: review it; if the old binary is fine with it, roll back by hand, else ${PITR}`]);
    }
    return result({ id: 'schema', title, status: 'warn', detail, evidence }, [detail]);
  }
  return result({ id: 'schema', title, status: 'pass', detail: `migrations changed but are backwards-compatible (${names}): the old binary still reads the schema`, evidence });
};

function listBy(w: MigrationWindow, verdict: string): string {
  return w.files
    .filter((f) => f.verdict === verdict)
    .map((f) => (f.reasons.length ? `${f.path}: ${f.reasons.join('; ')}` : f.path))
    .join(', ');
}

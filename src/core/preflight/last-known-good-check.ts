import { shortHash } from '../domain.ts';
import type { Preflight } from './types.ts';
import { result } from './types.ts';

/** Pre-flight 2: do we know the last-known-good revision? */
export const lastKnownGoodCheck: Preflight = ({ facts, lkg }) => {
  const source = facts.application.source;
  const title = 'Last-known-good revision';
  if (!lkg.ok) {
    return result({ id: 'last-known-good', title, status: 'fail', detail: lkg.reason, evidence: [{ claim: 'status.history', source }] }, [], [lkg.reason]);
  }
  const e = lkg.entry;
  const how = lkg.requested ? 'named by --to' : 'the newest older entry with a different revision';
  const skipped = lkg.skipped.map((s) => `skipped history ${s.entry.id} (${shortHash(s.entry.revision)}): ${s.why}`);
  const evidence = [
    { claim: `history ${e.id} = ${e.revision} synced at ${e.deployedAt}`, source },
    ...skipped.map((claim) => ({ claim, source })),
  ];
  if (facts.prunedRevisions !== undefined) {
    evidence.push({ claim: `${shortHash(e.revision)} exists in the config repo`, source: facts.prunedRevisions.source });
  }
  return result({ id: 'last-known-good', title, status: 'pass', detail: `history ${e.id} (${shortHash(e.revision)}), ${how}`, evidence });
};

import type { Preflight } from '../../preflight/types.ts';
import { result } from '../../preflight/types.ts';
import { assessDataLayer, formatMinutes, handoffEvidence, PITR_RUNBOOK } from './assess.ts';

/**
 * The guide's last question, "DB migration involved?", answered with what the data layer would
 * take: after Step 0 found an unsafe migration, the restore point (Argo CD's history) and the
 * writes a restore loses, as evidence. Refusing is the schema check's and the mechanism's job;
 * this check only shows the numbers.
 */
export const dataLayerCheck: Preflight = ({ facts, lkg }) => {
  const need = assessDataLayer(facts, lkg);
  if (need.kind === 'not-needed') return null;
  const title = 'Data layer (DB migration involved?)';
  const evidence = handoffEvidence(need, facts.migrations?.source ?? 'Step 0', facts.now);
  const lost = `restoring to ${need.restore.at} instead would lose every write since (${formatMinutes(need.lostMinutes)})`;
  if (need.kind === 'down') {
    const downs = need.files.map((f) => `${f.down.path}${f.down.drops.length ? ` (drops ${f.down.drops.join(', ')})` : ''}`).join(', ');
    return result({ id: 'data-layer', title, status: 'warn', detail: `down migration available: ${downs}; ${lost}`, evidence });
  }
  const detail = `${need.files.map((f) => f.path).join(', ')} has no down migration: hand off to ${PITR_RUNBOOK}, restore point ${need.restore.at}; ${lost}`;
  return result({ id: 'data-layer', title, status: 'fail', detail, evidence });
};

import { S } from '../schema.ts';
import { defineStep } from './step-definition.ts';

/**
 * Step 3d's gate: the bad commit's revert is on the tracked branch. Pending until it is; the run
 * stays open (`awaiting-revert`) and `rewind finish APP` continues from here.
 */
export const followupAwaitRevert = defineStep({
  kind: 'followup.await-revert',
  phase: 'follow-up',
  params: S.object({ badRevision: S.string(), trackedBranch: S.string() }),
  ports: ['repo'],
  expectedSeconds: 1,
  failure: 'system',
  awaits: 'revert',
  contradicts: (p, plan) => (plan.from.revision !== null && p.badRevision !== plan.from.revision ? `reverts ${p.badRevision.slice(0, 7)}, but the plan rolls back from ${plan.from.revision.slice(0, 7)}` : undefined),
});

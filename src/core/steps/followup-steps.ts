import { shortHash } from '../domain.ts';
import type { Plan } from '../plan.ts';
import { S } from '../schema.ts';
import { defineStep } from './step-definition.ts';

/** The bad revision a follow-up step reverts must be the one the plan rolls back from. */
const notFrom = (bad: string, plan: Plan): string | undefined =>
  plan.from.revision !== null && bad !== plan.from.revision ? `reverts ${shortHash(bad)}, but the plan rolls back from ${shortHash(plan.from.revision)}` : undefined;

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
  contradicts: (p, plan) => notFrom(p.badRevision, plan),
});

/**
 * Step 3d done by rewind: `git revert --no-edit BAD` in a clone of its own, the message naming
 * the run and the reason, pushed to the tracked branch; or, when the branch is protected or the
 * policy asks for review, to `rewind/revert-RUN` (the following await-revert then waits for a
 * person to merge it). A conflict, or a revert touching files outside the app's folder, is refused.
 */
export const followupRevert = defineStep({
  kind: 'followup.revert',
  phase: 'follow-up',
  params: S.object({ badRevision: S.string(), trackedBranch: S.string(), appPath: S.string(), mode: S.literal('push', 'review') }),
  ports: ['repo', 'revert'],
  expectedSeconds: 5,
  failure: 'refused',
  contradicts: (p, plan) => notFrom(p.badRevision, plan),
});

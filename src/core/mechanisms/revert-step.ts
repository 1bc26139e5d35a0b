import { shortHash } from '../domain.ts';
import type { Facts, Policy } from '../facts.ts';
import type { PlanStep } from '../plan.ts';
import { followupRevert } from '../steps/followup-steps.ts';
import { makeStep } from '../steps/step-definition.ts';

/**
 * Who reverts the bad commit in git: `policy.revert` (`--no-revert` is `none`), else the app's
 * `revert`, else `fallback`. Undefined: a person does (rewind waits for it), as it is without an
 * `apps[].repoPath` to keep the revert inside the app's folder.
 */
export function revertMode(facts: Facts, policy: Policy, fallback?: 'push' | 'review'): 'push' | 'review' | undefined {
  const mode = policy.revert ?? facts.app.revert ?? fallback;
  return mode === 'none' || !facts.app.repoPath ? undefined : mode;
}

/**
 * Step 3d done by rewind, when `revertMode` says so: `git revert` of the bad commit, pushed to the
 * tracked branch (or for review), placed just before the step that waits for the revert.
 */
export function revertSteps(facts: Facts, policy: Policy, bad: string, branch: string, fallback?: 'push' | 'review'): PlanStep[] {
  const mode = revertMode(facts, policy, fallback);
  if (mode === undefined || !facts.app.repoPath) return [];
  return [
    makeStep(followupRevert, {
      title: `git revert ${shortHash(bad)} and push it ${mode === 'review' ? 'for review (rewind/revert-RUN)' : `to ${branch}`}, so git says what runs`,
      target: `config repo ${branch}`,
      checks: [`the revert touches only ${facts.app.repoPath}`, 'no conflict', mode === 'review' ? 'pushed to a review branch' : `pushed to ${branch} (a review branch if ${branch} is protected)`],
      evidence: [],
    }, { badRevision: bad, trackedBranch: branch, appPath: facts.app.repoPath, mode }, policy.expectedSeconds[followupRevert.kind]),
  ];
}

import { Proposal, type Mechanism } from '../mechanism.ts';

/** Argo Rollouts abort/undo (code-rollback-rollouts.md): declines until rewind drives Rollouts. */
export const argoRollouts: Mechanism = {
  name: 'argo-rollouts',
  summary: 'abort or undo the Argo Rollout',
  propose({ facts }) {
    const w = facts.workload.value.ref;
    if (w.kind !== 'Rollout') return Proposal.decline(`${w.kind} ${w.namespace}/${w.name} is not an Argo Rollout: there is no canary to abort`);
    return Proposal.decline(
      `${w.kind} ${w.namespace}/${w.name} is an Argo Rollout, but rewind cannot abort or undo Rollouts yet (code-rollback-rollouts.md); an Argo CD rollback steps the Rollout through its canary`,
    );
  },
};

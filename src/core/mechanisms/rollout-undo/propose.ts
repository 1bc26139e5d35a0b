import { SyncPolicy } from '../../domain.ts';
import { Proposal, type Mechanism } from '../mechanism.ts';

/** `kubectl rollout undo` semantics, for workloads no GitOps controller manages. */
export const rolloutUndo: Mechanism = {
  name: 'rollout-undo',
  summary: 'undo the Deployment to its previous ReplicaSet',
  propose({ facts }) {
    const app = facts.application?.value;
    if (app !== undefined) {
      const selfHeal = SyncPolicy.isAutoSyncOn(app.syncPolicy) && app.syncPolicy.automated?.selfHeal === true;
      return Proposal.decline(
        `Argo CD manages ${facts.app.name}: its rollback keeps git and the cluster in one story${selfHeal ? '; a bare undo would be reverted by self-heal within seconds' : ''}`,
      );
    }
    return Proposal.decline('rewind cannot run `rollout undo` yet: undo by hand (kubectl rollout undo) and verify');
  },
};

/**
 * `rewind rollouts retry|promote APP`: the operator's own Rollout actions, as a plan the same
 * executor runs (journaled intent and outcome, under the app's lease and hold). Pure.
 */
import { observe } from '../assumptions.ts';
import { runningRevision } from '../domain.ts';
import { GitOpsFacts, type Facts } from '../facts.ts';
import { deepFreeze } from '../freeze.ts';
import { holders } from '../hold-gate.ts';
import { PLAN_VERSION, type Plan, type PlanStep } from '../plan.ts';
import * as argocd from '../steps/argocd-steps.ts';
import * as ro from '../steps/rollouts-steps.ts';
import { makeStep } from '../steps/step-definition.ts';
import { imagesOf, situationOf } from './rollout-facts.ts';

export type OperatorAction = 'retry' | 'promote' | 'promote-full';

export function operatorPlan(facts: Facts, action: OperatorAction): Plan {
  const w = facts.app.workload;
  const app = facts.application?.value;
  const base = {
    kind: 'Plan' as const, version: PLAN_VERSION as typeof PLAN_VERSION, app: facts.app.name, workload: w, mechanism: 'argo-rollouts', rejected: [],
    from: { historyId: null, revision: app ? runningRevision(app) : null }, preflight: [], createdAt: facts.now, assumptions: observe(facts),
  };
  const refuse = (...reasons: string[]): Plan => deepFreeze<Plan>({ ...base, decision: 'refuse', reasons, warnings: [], to: null, steps: [] });
  const r = facts.rollout?.value;
  if (w.kind !== 'Rollout' || !r) return refuse(`${facts.app.name}'s workload is ${w.kind === 'Rollout' ? 'an Argo Rollout rewind could not read' : `a ${w.kind}, not an Argo Rollout`}`);
  const blockers = holders(facts).map((h) => h.refusal);
  if (blockers.length) return refuse(...blockers);
  const s = situationOf(r);
  const canary = s.kind === 'canary' || s.kind === 'aborted' ? s.canary : undefined;
  if (action === 'retry' && s.kind !== 'aborted') return refuse(`rollout ${w.name} is not aborted (${r.phase ?? '?'}): there is nothing to retry`);
  if (action !== 'retry' && s.kind !== 'canary') return refuse(`rollout ${w.name} has no update in progress to promote (${s.kind === 'aborted' ? 'it is aborted: retry it first' : r.phase ?? '?'})`);
  if (!canary) return refuse(`rollout ${w.name} names no canary ReplicaSet (status.currentPodHash ${r.currentHash ?? 'unset'})`);
  const channel = GitOpsFacts.is(facts) ? 'argocd' as const : 'kubernetes' as const;
  const at = `rollout ${w.namespace}/${w.name} (${w.cluster})`;
  const evidence = [{ claim: `canary ${canary.name} (revision ${canary.revision}) runs ${imagesOf(canary).join(', ')}`, source: facts.rollout?.source ?? 'kubernetes' }];
  const act: PlanStep = action === 'retry'
    ? makeStep(ro.rolloutsRetry, { title: `Retry the aborted update to ${canary.name}: the canary steps start again (\`kubectl argo rollouts retry\`)`, target: at, checks: ['status.abort = false'], evidence }, { canaryHash: canary.hash, channel })
    : makeStep(ro.rolloutsPromote, { title: `${action === 'promote-full' ? 'Promote fully' : 'Promote'} ${canary.name} (\`kubectl argo rollouts promote${action === 'promote-full' ? ' --full' : ''}\`)`, target: at, checks: [action === 'promote-full' ? 'status.promoteFull = true' : 'pause conditions cleared'], evidence }, { canaryHash: canary.hash, full: action === 'promote-full', channel });
  const steps: PlanStep[] = app && base.from.revision
    ? [
        makeStep(argocd.argocdWriteHold, { title: `Hold ${app.name} while the action runs`, target: `argocd app ${app.name}`, checks: ['metadata.annotations["rewind.io/hold"] names this run'], evidence: [] }, { badRevision: base.from.revision, saved: { syncPolicy: app.syncPolicy } }),
        act,
        makeStep(argocd.argocdReleaseHold, { title: `Release the hold on ${app.name}`, target: `argocd app ${app.name}`, checks: ['no rewind.io/hold annotation'], evidence: [] }, {}),
      ]
    : [
        // No Application (gitops: none): the hold goes on the Rollout.
        makeStep(ro.rolloutsWriteHold, { title: 'Hold the Rollout while the action runs', target: at, checks: ['metadata.annotations["rewind.io/hold"] names this run'], evidence: [] }, { badRevision: canary.name }),
        act,
        makeStep(ro.rolloutsReleaseHold, { title: 'Release the hold on the Rollout', target: at, checks: ['no rewind.io/hold annotation'], evidence: [] }, {}),
      ];
  return deepFreeze<Plan>({
    ...base,
    decision: 'rollback',
    reasons: [`${action} rollout ${w.name} (${r.phase ?? '?'}${r.message ? `: ${r.message}` : ''}) through the ${channel === 'argocd' ? 'Argo CD resource action (its RBAC decides; a denial falls back to the Kubernetes API)' : 'Kubernetes API'}`],
    warnings: [],
    to: { kind: 'replicaset-revision', replicaSetRevision: Math.max(1, canary.revision), replicaSet: canary.name, revision: '', historyId: null },
    steps,
  });
}

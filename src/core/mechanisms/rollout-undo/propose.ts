import { deployedRevision, shortHash, SyncPolicy } from '../../domain.ts';
import { ArgoCdApiOutage, GitOpsFacts, type Facts } from '../../facts.ts';
import type { LastKnownGood } from '../../last-known-good.ts';
import type { PlanTarget } from '../../plan.ts';
import { chooseUndoTarget, PAUSED_MESSAGE, skippedMessage, type ReplicaSetRevision } from '../../rollout-history.ts';
import { Proposal, type Mechanism } from '../mechanism.ts';
import { revertMode } from '../revert-step.ts';
import { argoUndoSteps, undoSteps } from './steps.ts';

/** Pre-flight answers that stop an undo as much as an Argo CD rollback (last-known-good is Argo CD's own). */
// Holds and open runs (pre-flight's open-run) are decide()'s first word for every mechanism (hold-gate.ts).
const BLOCKING_CHECKS = new Set(['schema', 'operation']);

/**
 * `kubectl rollout undo` semantics through the Kubernetes API (kubectl
 * `pkg/polymorphichelpers/rollback.go`). It proposes for a Deployment no GitOps controller manages
 * (`gitops: none`). For an Argo CD app it proposes a paired plan (hold self-heal, undo, revert in
 * git), which the tree ranks after Argo CD's own rollback: chosen by `--mechanism rollout-undo`.
 */
export const rolloutUndo: Mechanism = {
  name: 'rollout-undo',
  summary: 'undo the Deployment to a previous ReplicaSet (kubectl rollout undo)',
  propose({ facts, policy, lkg, checks }) {
    const w = facts.workload.value.ref;
    const name = `deployment ${w.namespace}/${w.name}`;
    if (w.kind !== 'Deployment') return Proposal.decline(`${w.kind} ${w.namespace}/${w.name} is not a Deployment: kubectl's undo here is the Deployment's (an Argo Rollout has its own abort and undo)`);
    if (facts.app.gitops !== 'none' && !GitOpsFacts.is(facts)) {
      const outage = facts.argocdApi?.value;
      if (outage && !outage.cr.readable) return { kind: 'refuse', to: null, reasons: [blindRefusal(facts.app.name, outage, outage.cr.reason)], warnings: [] };
      return Proposal.decline(`${facts.app.name} is deployed by Argo CD (rewind.yaml has no gitops: none) but its Application was not read: an undo Argo CD cannot be told about would be reverted by its self-heal`);
    }
    const history = facts.rolloutHistory?.value;
    if (history === undefined) return Proposal.decline(`the ReplicaSet history of ${name} was not read`);

    const refusals: string[] = [];
    refusals.push(...checks.filter((c) => BLOCKING_CHECKS.has(c.check.id)).flatMap((c) => c.refusals));
    if (history.paused) refusals.push(`${name} is paused: ${PAUSED_MESSAGE}`);
    // kubectl's undo would take "previous" from these numbers as they stand; until the controller
    // has observed the newest template, they are the last rollout's and may name the wrong release.
    if (history.observedGeneration !== undefined && history.observedGeneration < history.generation) {
      refusals.push(`the Deployment controller has not observed generation ${history.generation} of ${name} yet (observedGeneration ${history.observedGeneration}): its ReplicaSets' revision numbers are the last rollout's, so "previous" may be the wrong release. Plan again once \`kubectl rollout status deployment/${w.name}\` shows the controller caught up`);
    }
    const choice = chooseUndoTarget(w.name, history, GitOpsFacts.is(facts) ? undefined : facts.requestedId);
    if (!choice.ok) return { kind: 'refuse', to: null, reasons: [...refusals, `${choice.reason}. Roll forward, or redeploy a known-good image by hand; raise spec.revisionHistoryLimit so the next undo has somewhere to go`], warnings: [] };
    const { target, current } = choice;
    const requested = !GitOpsFacts.is(facts) && facts.requestedId !== undefined;
    // kubectl's "previous" is the second-highest number, and an undo re-numbers what it brings
    // back: after one undo, the previous revision is the release that was rolled back. Going there
    // is rolling forward into the incident, so rewind only does it when it is named (--to).
    if (!requested && current?.createdAt && target.createdAt && target.createdAt > current.createdAt) {
      refusals.push(
        `revision ${target.revision} (${target.replicaSet}) is newer than the running revision ${current.revision} (${current.replicaSet}): the running one was brought back by an earlier undo, and going "back" would ship what it rolled away from. Name a revision with --to if you mean it (\`kubectl rollout history deployment/${w.name}\`)`,
      );
    }
    const to = targetOf(facts, lkg, target);
    if (target.matchesCurrent) return { kind: 'noop', to, reason: skippedMessage(target.revision) };
    const warnings = checks.flatMap((c) => c.warnings);
    if (refusals.length > 0) return { kind: 'refuse', to, reasons: refusals, warnings };
    const reasons = [
      `${name}: revision ${target.revision} (${target.replicaSet}) runs ${target.images.map((i) => i.image).join(', ')}${current ? `; the current revision ${current.revision} runs ${current.images.map((i) => i.image).join(', ')}` : ''}`,
    ];
    const base = { facts, policy, target, current, generation: history.generation };

    if (!GitOpsFacts.is(facts)) {
      return { kind: 'plan', to, steps: undoSteps(base), reasons: [`${facts.app.name} has no GitOps controller (gitops: none): kubectl rollout undo is the path`, ...reasons], warnings };
    }
    const app = facts.application.value;
    if (app.owner) {
      return Proposal.decline(`${app.owner.kind} ${app.owner.name} owns ${app.name} and puts its sync policy back: self-heal cannot be held around an undo (Argo CD's rollback pins targetRevision instead)`);
    }
    const bad = deployedRevision(app);
    const selfHeal = SyncPolicy.isAutoSyncOn(app.syncPolicy) && app.syncPolicy.automated?.selfHeal === true;
    const revert = revertMode(facts, policy, 'push');
    const outage = facts.argocdApi?.value;
    const viaCr = outage?.cr.readable === true ? [
      `${ArgoCdApiOutage.describe(outage)}. The Application CR answers (${outage.cr.where}): self-heal is held by patching it through the Kubernetes API, as \`kubectl -n argocd patch application ${app.name} --type merge\` does, while the application controller keeps reconciling; the bad commit ${shortHash(bad)} is the CR's own (status.history), so the revert needs no Argo CD API either`,
    ] : [];
    const moreWarnings = [
      ...(facts.app.repoPath || policy.revert === 'none' ? [] : ['apps[].repoPath is not set: rewind cannot prove a revert stays in the app\'s folder, so a person reverts']),
      ...(revert === undefined ? [`until ${shortHash(bad)} is reverted in git, auto-sync stays off: \`rewind finish ${app.name}\` once it is`] : []),
      ...notLastKnownGood(facts, lkg, target),
    ];
    return {
      kind: 'plan',
      to,
      steps: argoUndoSteps({ ...base, facts, bad }),
      reasons: [
        ...viaCr,
        `${app.name} is managed by Argo CD${selfHeal ? ' with self-heal' : ''}: a bare undo ${selfHeal ? 'would be reverted within seconds' : 'would drift from git'}, so this plan holds auto-sync first and reverts ${shortHash(bad)} in git`,
        ...reasons,
      ],
      warnings: [...warnings, ...moreWarnings],
    };
  },
};

/**
 * kubectl's "previous" need not be the release the revert in git brings back (a plain undo earlier
 * may have re-numbered the ReplicaSets): then the undo ships one release and, once auto-sync is
 * back, Argo CD rolls out another. Said when the facts show both sides' images.
 */
function notLastKnownGood(facts: Facts, lkg: LastKnownGood | null, rs: ReplicaSetRevision): string[] {
  const rendered = facts.targetImages?.value ?? [];
  if (lkg?.ok !== true || rendered.length === 0 || targetOf(facts, lkg, rs).historyId !== null) return [];
  return [
    `revision ${rs.revision} (${rs.replicaSet}) runs ${rs.images.map((i) => i.image).join(', ')}, not the images of the last-known-good history ${lkg.entry.id} (${shortHash(lkg.entry.revision)}: ${rendered.join(', ')}): once the revert lands and auto-sync is back, Argo CD rolls those out in a second rollout. Argo CD's rollback (the plan without --mechanism) goes to history ${lkg.entry.id} directly`,
  ];
}

/** The target; for an Argo CD app, the history entry whose images the ReplicaSet runs, when the facts show it. */
function targetOf(facts: Facts, lkg: LastKnownGood | null, rs: ReplicaSetRevision): PlanTarget {
  const images = rs.images.map((i) => i.image).sort();
  const rendered = [...(facts.targetImages?.value ?? [])].sort();
  const same = lkg?.ok === true && rendered.length > 0 && rendered.length === images.length && rendered.every((x, i) => x === images[i]);
  return { kind: 'replicaset-revision', replicaSetRevision: rs.revision, replicaSet: rs.replicaSet, revision: same ? lkg.entry.revision : '', historyId: same ? lkg.entry.id : null };
}

/** Neither Argo CD's API nor its CR answers: what runs is visible, but not which commit is bad, so nothing can be reverted. */
function blindRefusal(app: string, outage: ArgoCdApiOutage, crReason: string): string {
  return `${ArgoCdApiOutage.describe(outage)}, and the Application CR could not be read either (${crReason}): the deployed commit, and so the one to revert, cannot be known, and an undo alone would be put back by self-heal. Next: restore access to Argo CD's API or to the cluster it runs in (\`kubectl -n argocd get application ${app}\` must answer; rewind.yaml argocd.cluster names that cluster), then plan again. By hand only if you must: \`kubectl -n argocd patch application ${app} --type merge -p '{"spec":{"syncPolicy":{"automated":{"enabled":false}}}}'\`, \`kubectl rollout undo\`, and revert the bad commit in git`;
}

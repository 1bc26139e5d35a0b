import { runningRevision, shortHash } from '../../domain.ts';
import { GitOpsFacts, type Facts } from '../../facts.ts';
import type { LastKnownGood } from '../../last-known-good.ts';
import type { PlanTarget } from '../../plan.ts';
import { canaryWeightOf, imagesOf, situationOf, type RolloutReplicaSet } from '../../rollouts/rollout-facts.ts';
import { whyNoAutoRollback } from '../../rollouts/why-no-auto-rollback.ts';
import { workloadRefGitOpsWarnings } from '../../rollouts/workload-ref-gitops.ts';
import { Proposal, type Mechanism } from '../mechanism.ts';
import { revertMode } from '../revert-step.ts';
import { abortedSteps, abortSteps, templateWarnings, undoSteps, unmanagedUndoSteps, type Channel } from './steps.ts';

/** Pre-flight answers that stop a Rollout action as much as an Argo CD rollback. */
// Holds and open runs (pre-flight's open-run) are decide()'s first word for every mechanism (hold-gate.ts).
const BLOCKING_CHECKS = new Set(['schema', 'operation']);
const ROLLBACK_ONLY_CHECKS = new Set(['workload', 'sync-mode']);

/**
 * Argo Rollouts in the decision tree (the seed's code-rollback-rollouts.md): a bad canary in
 * progress is aborted, one its own analysis aborted needs only verifying and git to agree, and a
 * bad version fully promoted is undone to the previous ReplicaSet with self-heal held.
 */
export const argoRollouts: Mechanism = {
  name: 'argo-rollouts',
  summary: 'abort or undo the Argo Rollout',
  propose({ facts, policy, lkg, checks }) {
    const w = facts.workload.value.ref;
    const name = `Rollout ${w.namespace}/${w.name}`;
    if (w.kind !== 'Rollout') return Proposal.decline(`${w.kind} ${w.namespace}/${w.name} is not an Argo Rollout: there is no canary to abort`);
    const fact = facts.rollout;
    if (!fact) return Proposal.decline(`${name} was not read (no Kubernetes access to argoproj.io Rollouts): an Argo CD rollback steps it through its canary`);
    const r = fact.value;
    const situation = situationOf(r);
    if (situation.kind === 'unknown') return Proposal.decline(`${name}: ${situation.reason}`);
    if (facts.app.gitops !== 'none' && !GitOpsFacts.is(facts)) return Proposal.decline(`${facts.app.name} is deployed by Argo CD but its Application was not read`);

    const refusals = checks.filter((c) => BLOCKING_CHECKS.has(c.check.id)).flatMap((c) => c.refusals);
    const warnings = checks.flatMap((c) => c.warnings);
    // The Argo CD rollback's own concerns (a paused workload blocks its rollout, auto-sync undoes it) do not apply to an abort.
    const abortWarnings = checks.filter((c) => !ROLLBACK_ONLY_CHECKS.has(c.check.id)).flatMap((c) => c.warnings);
    const gitops = GitOpsFacts.is(facts);
    const app = gitops ? facts.application.value : undefined;
    const bad = app ? runningRevision(app) : undefined;
    // Argo CD and a workloadRef's scaleDown disagree on the Deployment's replicas unless the app says otherwise.
    const refWarnings = app ? workloadRefGitOpsWarnings(app, r) : [];
    // NOTE: Argo CD's own RBAC is the judge: can-i cannot ask about one action (server/account/account.go
    // CanI accepts only the base verbs), and a denied action changes nothing, so the step falls back.
    const channel: Channel = gitops ? 'argocd' : 'kubernetes';
    const channelWhy = gitops
      ? `channel: Argo CD's resource action (${app?.name} is Argo CD's: one audit trail there); if its RBAC denies action/argoproj.io/Rollout/<action>, the Kubernetes API with the plugin's patch`
      : `channel: the Kubernetes API (no Argo CD Application: the plugin's own patches)`;
    const revert = facts.app.repoPath ? revertMode(facts, policy, 'push') : undefined;
    const source = fact.source;
    const why = whyNoAutoRollback(r, facts.metrics?.value);
    const target = (rs: RolloutReplicaSet): PlanTarget => targetOf(facts, lkg, rs);

    if (situation.kind === 'canary') {
      const { canary, stable } = situation;
      const to = target(stable);
      if (refusals.length > 0) return { kind: 'refuse', to, reasons: refusals, warnings };
      const weight = canaryWeightOf(r);
      return {
        kind: 'plan',
        to,
        steps: abortSteps({ facts, policy, rollout: r, source, stable, canary, channel, revert, bad }),
        reasons: [
          `${name} is mid-canary (step ${r.currentStepIndex ?? '?'}/${r.steps.length}${weight !== undefined ? `, ${weight}% to the canary` : ''}${r.pauseReasons.length ? `, paused: ${r.pauseReasons.join(', ')}` : ''}): abort sends every request back to ${stable.name} in seconds, without touching the spec, so Argo CD's self-heal has nothing to fight`,
          `canary ${canary.name} runs ${imagesOf(canary).join(', ')}; stable ${stable.name} runs ${imagesOf(stable).join(', ')}`,
          channelWhy,
          ...(gitops ? [`then git must agree: until ${shortHash(bad ?? '')} is reverted, git names the aborted version and Argo CD shows the app Degraded (the Rollouts FAQ); the run stays open until the revert lands`] : []),
          `why Argo Rollouts did not roll back by itself: ${why}`,
        ],
        warnings: [...abortWarnings, ...refWarnings, ...templateWarnings(facts, r, stable), ...(gitops && revert === undefined ? [`a person reverts ${shortHash(bad ?? '')}: \`rewind finish ${facts.app.name}\` once it is on the branch`] : [])],
      };
    }

    if (situation.kind === 'aborted') {
      const { stable } = situation;
      const to = target(stable);
      if (!GitOpsFacts.is(facts) || bad === undefined) return { kind: 'noop', to, reason: `${name} is already aborted (${r.message ?? r.phase ?? 'Degraded'}): traffic is on ${stable.name}; nothing to mitigate` };
      if (refusals.length > 0) return { kind: 'refuse', to, reasons: refusals, warnings };
      return {
        kind: 'plan',
        to,
        steps: abortedSteps({ facts, policy, rollout: r, source, stable, channel, revert, bad }),
        reasons: [
          `${name} was already aborted by its own analysis: ${r.message ?? r.phase ?? 'aborted'}. Nothing to mitigate: every request goes to ${stable.name}`,
          `verify that ${stable.name} serves, then make git agree: revert ${shortHash(bad)} (until then Argo CD shows the app Degraded with git on the aborted version)`,
          `why Argo Rollouts did not roll back by itself: ${why}`,
        ],
        warnings: [...abortWarnings, ...refWarnings, ...templateWarnings(facts, r, stable)],
      };
    }

    const { current, previous } = situation;
    if (!previous) return { kind: 'refuse', to: null, reasons: [`${name} runs ${current.name} fully promoted, and no older ReplicaSet is left to undo to (revisionHistoryLimit)`], warnings };
    const to = target(previous);
    // kubectl's "previous" is the second-highest revision, and an undo re-numbers what it brings back:
    // after a rollback, "previous" is the release rolled away from. rewind does not go there.
    if (previous.createdAt && current.createdAt && previous.createdAt > current.createdAt) {
      return Proposal.decline(`${name} runs ${current.name} (revision ${current.revision}), which an earlier rollback brought back; the previous revision ${previous.revision} (${previous.name}) is newer: undoing to it would ship what was rolled away from`);
    }
    if (!GitOpsFacts.is(facts) || bad === undefined) {
      // No GitOps controller: nothing puts the bad template back and no git has to agree; the undo is the whole fix.
      if (refusals.length > 0) return { kind: 'refuse', to, reasons: refusals, warnings };
      return {
        kind: 'plan',
        to,
        steps: unmanagedUndoSteps({ facts, policy, rollout: r, source, stable: previous, from: current, channel, revert: undefined }),
        reasons: [
          `${name} is fully promoted to ${current.name} (revision ${current.revision}): undo to ${previous.name} (revision ${previous.revision}), the plugin's undo${r.workloadRef ? `, which patches ${r.workloadRef.kind} ${r.workloadRef.name} (the Rollout's workloadRef: the template lives there)` : ''}`,
          `${facts.app.name} has no GitOps controller (gitops: none): nothing puts the bad template back, so there is no self-heal to hold and no revert to wait for; the hold goes on the Rollout`,
          channelWhy,
          `why Argo Rollouts did not roll back by itself: ${why}`,
        ],
        warnings: [...warnings, ...templateWarnings(facts, r, previous)],
      };
    }
    const changed = facts.diagnosis?.value.kinds ?? [];
    const imageOnly = changed.length > 0 && changed.every((k) => k === 'image-digest' || k === 'image-tag');
    if (!imageOnly) {
      return Proposal.decline(`${name} is fully promoted, but the bad commit changed ${changed.length ? changed.join(', ') : 'an unknown set of things'}, not only the Rollout's image: Argo CD's rollback restores every manifest, an undo only the template`);
    }
    if (facts.application.value.owner) return Proposal.decline(`${facts.application.value.owner.kind} ${facts.application.value.owner.name} owns ${facts.app.name} and puts its sync policy back: self-heal cannot be held around an undo`);
    if (refusals.length > 0) return { kind: 'refuse', to, reasons: refusals, warnings };
    return {
      kind: 'plan',
      to,
      steps: undoSteps({ facts, policy, rollout: r, source, stable: previous, from: current, channel, revert, bad }),
      reasons: [
        `${name} is fully promoted to ${current.name} (revision ${current.revision}): undo to ${previous.name} (revision ${previous.revision}), the plugin's undo; the bad commit only changed the image, so the undo restores everything it changed`,
        `undo is faster than Argo CD's rollback here: it patches one field and reuses ${previous.name}'s ReplicaSet${r.rollbackWindow !== undefined ? ` (rollbackWindow ${r.rollbackWindow}: the controller skips the canary steps)` : '; promote --full then skips the canary steps'}, while Argo CD's rollback would first wait for an operation on the whole app`,
        r.workloadRef
          ? `the undo patches ${r.workloadRef.kind} ${r.workloadRef.name} (the Rollout's workloadRef: the template lives there), which ${facts.app.name} tracks in git too: auto-sync is held first, or self-heal would put ${shortHash(bad)}'s template back on it, and the revert of ${shortHash(bad)} gives it back`
          : `the undo changes the spec: auto-sync is held first, and the revert of ${shortHash(bad)} gives it back`,
        channelWhy,
        `why Argo Rollouts did not roll back by itself: ${why}`,
      ],
      warnings: [...warnings, ...refWarnings, ...templateWarnings(facts, r, previous)],
    };
  },
};

/** The plan's target: the ReplicaSet, and the history entry that renders it when the facts show it. */
function targetOf(facts: Facts, lkg: LastKnownGood | null, rs: RolloutReplicaSet): PlanTarget {
  const images = imagesOf(rs).sort();
  const rendered = [...(facts.targetImages?.value ?? [])].sort();
  const same = lkg?.ok === true && rendered.length > 0 && rendered.length === images.length && rendered.every((x, i) => x === images[i]);
  return { kind: 'replicaset-revision', replicaSetRevision: Math.max(1, rs.revision), replicaSet: rs.name, revision: same ? lkg.entry.revision : '', historyId: same ? lkg.entry.id : null };
}


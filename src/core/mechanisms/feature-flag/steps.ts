import { shortHash } from '../../domain.ts';
import type { GitOpsFacts, Policy } from '../../facts.ts';
import type { HunkVerdict } from '../../flags/coverage.ts';
import type { DeclaredFlag, FlagState } from '../../flags/types.ts';
import type { PlanStep } from '../../plan.ts';
import * as argocd from '../../steps/argocd-steps.ts';
import { flagOff, flagWaitApplied } from '../../steps/flag-steps.ts';
import { makeStep } from '../../steps/step-definition.ts';
import { verifyMetricsStep } from '../../steps/verify-steps.ts';

export interface FlagStepsInput {
  readonly facts: GitOpsFacts;
  readonly policy: Policy;
  readonly bad: string;
  readonly flags: readonly { readonly flag: DeclaredFlag; readonly state: FlagState; readonly snapshot: string }[];
  readonly hunks: readonly HunkVerdict[];
}

/** Where a flag is switched, in words for the plan. */
function whereOf(flag: DeclaredFlag, branch: string): string {
  if (flag.flagd) return `config repo ${branch}: ${flag.flagd.file}`;
  return flag.unleash ? `unleash ${flag.unleash.url} (${flag.unleash.project}/${flag.unleash.environment})` : flag.provider;
}

/**
 * Hold the app (so no other rewind acts beside this run) → turn each flag off → wait until the
 * workload evaluates it off → prove recovery by metrics → release the hold. No Deployment is
 * touched, auto-sync stays as it is (for flagd it is what ships the flip), and nothing waits for
 * a revert: the bad release stays deployed, inert.
 */
export function flagSteps(input: FlagStepsInput): PlanStep[] {
  const { facts, policy, bad } = input;
  const step = <P>(def: Parameters<typeof makeStep<P>>[0], fields: Parameters<typeof makeStep<P>>[1], params: P) => makeStep(def, fields, params, policy.expectedSeconds[def.kind]);
  const app = facts.application.value;
  const appTarget = `argocd app ${app.name}`;
  const branch = app.source.targetRevision;
  const evidence = input.hunks.map((h) => ({ claim: `${h.path} ${h.header}: ${h.why}`, source: facts.flagEvidence?.source ?? 'git diff' }));
  const w = facts.workload.value.ref;
  const steps: PlanStep[] = [
    step(argocd.argocdWriteHold, {
      title: `Hold ${app.name}: an annotation naming this run, so no other rewind acts on it`, target: appTarget,
      checks: ['metadata.annotations["rewind.io/hold"] names this run and each flag\'s definition before (another host can restore it from there)'], evidence: [],
    }, { badRevision: bad, saved: { syncPolicy: app.syncPolicy, flags: input.flags.map(({ flag, snapshot }) => ({ key: flag.key, provider: flag.provider, previous: snapshot })) } }),
  ];
  for (const { flag, state, snapshot } of input.flags) {
    const where = whereOf(flag, branch);
    const how = flag.provider === 'flagd'
      ? `a commit on ${branch} switching defaultVariant ${state.defaultVariant ?? '?'} → ${state.offVariant ?? '?'}${state.targeting ? ' and dropping its targeting' : ''}; Argo CD's auto-sync ships it`
      : `disable it in ${flag.unleash?.environment ?? 'the environment'} through the admin API`;
    steps.push(step(flagOff, {
      title: `Turn flag ${flag.key} off: ${how}`,
      target: where,
      checks: [`${flag.key} evaluates to false at its source`, 'the previous definition is journaled (rewind flags restore RUN puts it back)'],
      evidence: [{ claim: `${flag.key} is on now (default variant ${state.defaultVariant ?? 'n/a'}${state.targeting ? ', with targeting' : ''})`, source: state.source }, ...evidence],
    }, { key: flag.key, provider: flag.provider, previous: snapshot }));
    steps.push(step(flagWaitApplied, {
      title: flag.provider === 'flagd'
        ? `Wait until ${w.namespace}/${flag.flagd?.configMap ?? '?'} in ${w.cluster} evaluates ${flag.key} off (Argo CD synced the flip)`
        : `Wait until Unleash's client API serves ${flag.key} disabled in ${flag.unleash?.environment ?? '?'} (what an SDK polls)`,
      target: flag.provider === 'flagd' ? `configmap ${w.namespace}/${flag.flagd?.configMap ?? '?'} (${w.cluster})` : where,
      checks: [`${flag.key} evaluates to false where the workload reads it`],
      evidence: [],
    }, { key: flag.key, provider: flag.provider }));
  }
  steps.push(
    verifyMetricsStep({ facts, policy, target: `deployment ${w.namespace}/${w.name} (${w.cluster})` }),
    step(argocd.argocdReleaseHold, {
      title: `Release the hold on ${app.name} (the flag stays off; ${shortHash(bad)} stays deployed, inert)`, target: appTarget, checks: ['no rewind.io/hold annotation'], evidence: [],
    }, {}),
  );
  return steps;
}

import type { Plan } from '../plan.ts';
import { S } from '../schema.ts';
import { defineStep } from './step-definition.ts';

/** A flag step must name a flag the plan turns off. */
function notTargetFlag(key: string, plan: Plan): string | undefined {
  if (plan.to?.kind !== 'flag-off') return 'the plan does not turn a flag off';
  return plan.to.flags.includes(key) ? undefined : `names flag ${key}, but the plan turns off ${plan.to.flags.join(', ')}`;
}

const flagParams = { key: S.string(), provider: S.literal('flagd', 'unleash') };

/**
 * The kill switch (issue 14). flagd: a commit on the tracked branch switching `defaultVariant` to
 * the off variant and dropping targeting; Argo CD's auto-sync ships it. Unleash: the feature is
 * disabled in the app's environment. `previous` is the definition as the plan read it, what
 * `rewind flags restore RUN` puts back; `finish` never does (turning a feature on is a product
 * decision).
 */
export const flagOff = defineStep({
  kind: 'flag.off',
  phase: 'mitigate',
  params: S.object({ ...flagParams, previous: S.string() }),
  ports: ['flags'],
  expectedSeconds: 3,
  failure: 'system',
  contradicts: (p, plan) => notTargetFlag(p.key, plan),
  holds: (p) => `flag ${p.key} off (${p.provider}); \`rewind flags restore RUN\` turns it back on`,
});

/**
 * Done when what the workload evaluates is off: flagd: the ConfigMap Argo CD synced, evaluated
 * with flagd's own evaluator; Unleash: the client API an SDK polls.
 */
export const flagWaitApplied = defineStep({
  kind: 'flag.wait-applied',
  phase: 'verify',
  params: S.object(flagParams),
  ports: ['flags'],
  expectedSeconds: 60,
  failure: 'verification',
  contradicts: (p, plan) => notTargetFlag(p.key, plan),
});

import { PHASES, PLAN_VERSION, type Plan, type PlanStep } from './plan.ts';
import { S, SchemaError, type Schema } from './schema.ts';
import { stepDefinition } from './steps/index.ts';

const evidence = S.array(S.object({ claim: S.string(), source: S.string() }));

const planShape = S.object({
  kind: S.literal('Plan'),
  version: S.unknown(),
  app: S.string(),
  workload: S.object({ cluster: S.string(), namespace: S.string(), kind: S.literal('Deployment', 'Rollout'), name: S.string() }),
  decision: S.literal('rollback', 'noop', 'refuse'),
  mechanism: S.nullable(S.string()),
  rejected: S.array(S.object({ mechanism: S.string(), reason: S.string() })),
  reasons: S.array(S.string()),
  warnings: S.array(S.string()),
  from: S.object({ historyId: S.nullable(S.integer()), revision: S.nullable(S.string()) }),
  to: S.nullable(planTarget()),
  steps: S.array(S.unknown()),
  preflight: S.array(S.object({ id: S.string(), title: S.string(), status: S.literal('pass', 'warn', 'fail', 'info'), detail: S.string(), evidence })),
  createdAt: S.string(),
  assumptions: S.record(S.unknown()),
});

/** `plan.to` in either mechanism's terms, chosen by its `kind`. */
function planTarget(): Schema<unknown> {
  const history = S.object({ kind: S.literal('argocd-history'), historyId: S.integer({ min: 0 }), revision: S.string(), deployedAt: S.string() });
  const replicaSet = S.object({ kind: S.literal('replicaset-revision'), replicaSetRevision: S.integer({ min: 1 }), replicaSet: S.string(), revision: S.string(), historyId: S.nullable(S.integer({ min: 0 })) });
  const fix = S.object({ kind: S.literal('fix-revision'), revision: S.string(), ref: S.string(), historyId: S.nullable(S.integer({ min: 0 })) });
  const flagOff = S.object({ kind: S.literal('flag-off'), flags: S.array(S.string()), revision: S.string(), historyId: S.nullable(S.integer({ min: 0 })) });
  return {
    parse: (v, p) => {
      const kind = (v as { kind?: unknown } | null)?.kind;
      return kind === 'replicaset-revision' ? replicaSet.parse(v, p) : kind === 'fix-revision' ? fix.parse(v, p) : kind === 'flag-off' ? flagOff.parse(v, p) : history.parse(v, p);
    },
  };
}

const stepShape = S.object({
  kind: S.string(),
  phase: S.literal(...PHASES),
  title: S.string(),
  target: S.string(),
  expectedSeconds: S.number(),
  evidence,
  checks: S.array(S.string()),
  params: S.unknown(),
});

const assumptionValue: Schema<string | number | boolean | null> = {
  parse: (v, p) => (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : S.string().parse(v, p)),
};

export type PlanValidation = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Reads a plan from JSON (a saved plan file, or a run's journal) and checks it against the step
 * registry: the version, every field's type, every step kind known with valid parameters in its
 * own phase, phases in order, and no step contradicting `plan.to`. Nothing runs unless it holds.
 */
export function validatePlan(json: unknown): PlanValidation {
  let head;
  try {
    head = planShape.parse(json, 'plan');
    S.record(assumptionValue).parse(head.assumptions, 'plan.assumptions');
  } catch (e) {
    return { ok: false, problems: [(e as Error).message] };
  }
  if (head.version !== PLAN_VERSION) {
    return { ok: false, problems: [`plan.version is ${JSON.stringify(head.version)}; this rewind reads version ${PLAN_VERSION} plans: make a new one with \`rewind plan ${head.app} --save FILE\``] };
  }
  const plan = head as unknown as Plan;
  const problems: string[] = [];
  let phase = 0;
  head.steps.forEach((raw, i) => {
    const where = `plan.steps[${i}]`;
    let step: PlanStep;
    try {
      step = stepShape.parse(raw, where);
    } catch (e) {
      problems.push((e as Error).message);
      return;
    }
    const def = stepDefinition(step.kind);
    if (def === undefined) {
      problems.push(`${where}: unknown step kind "${step.kind}"`);
      return;
    }
    if (step.phase !== def.phase) problems.push(`${where}: ${step.kind} belongs to the ${def.phase} phase, not ${step.phase}`);
    const at = PHASES.indexOf(step.phase);
    if (at < phase) problems.push(`${where}: a ${step.phase} step after a ${PHASES[phase] ?? ''} step`);
    phase = Math.max(phase, at);
    try {
      const params = def.params.parse(step.params, `${where}.params`);
      const contradiction = def.contradicts?.(params, plan);
      if (contradiction !== undefined) problems.push(`${where} (${step.kind}): ${contradiction}`);
    } catch (e) {
      if (!(e instanceof SchemaError)) throw e;
      problems.push(e.message);
    }
  });
  if (plan.decision !== 'rollback' && head.steps.length > 0) problems.push(`plan.steps: a ${plan.decision} plan has no steps`);
  return problems.length ? { ok: false, problems } : { ok: true, plan };
}

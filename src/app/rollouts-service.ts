import type { Plan } from '../core/plan.ts';
import { operatorPlan, type OperatorAction } from '../core/rollouts/operator-plan.ts';
import type { AppContext } from './app-context.ts';
import { planRollback } from './plan-service.ts';

/** `rewind rollouts retry|promote APP`: the same facts `plan` gathers, the operator's action as a plan. */
export async function planRolloutsAction(ctx: AppContext, app: string, action: OperatorAction): Promise<Plan> {
  const { facts } = await planRollback(ctx, { app });
  return operatorPlan(facts, action);
}

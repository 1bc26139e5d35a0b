import { stepDefinitions } from '../core/steps/index.ts';
import { InternalError } from '../core/errors.ts';
import type { StepHandler } from '../executor/step-context.ts';
import { stepHandlers } from '../executor/steps/index.ts';

/**
 * The step registry as the executor uses it: every kind the core registers, with its handler.
 * Built once; a kind without a handler (or a handler without a kind) is a bug caught at start.
 */
export function stepHandlerMap(): ReadonlyMap<string, StepHandler<unknown>> {
  const map = new Map(stepHandlers.map((h) => [h.definition.kind, h]));
  const missing = stepDefinitions.filter((d) => !map.has(d.kind)).map((d) => d.kind);
  const unknown = stepHandlers.filter((h) => !stepDefinitions.includes(h.definition)).map((h) => h.definition.kind);
  if (missing.length || unknown.length || map.size !== stepHandlers.length) {
    throw new InternalError(`step registry out of step: no handler for [${missing.join(', ')}], no definition for [${unknown.join(', ')}]`);
  }
  return map;
}

import type { Plan } from './plan.ts';
import type { StepResult } from './run.ts';
import { stepDefinition } from './steps/index.ts';

/**
 * What a run holds changed right now: every succeeded step whose kind holds something (auto-sync
 * off, a pin) and that no later succeeded step released. `status`, `runs` and `show` say it, so a
 * run is never silently left holding an app.
 *
 * ### Examples
 * ```ts
 * runHolds(plan, results); // ['auto-sync off on bookstore-catalog-us-east (saved: auto-sync enabled=true, prune=true, selfHeal=true)']
 * ```
 */
export function runHolds(plan: Plan, results: readonly StepResult[]): string[] {
  const held: { kind: string; what: string }[] = [];
  results.forEach((r, i) => {
    if (r.status !== 'succeeded') return;
    const step = plan.steps[i];
    const def = step && stepDefinition(step.kind);
    if (!step || !def) return;
    for (const released of def.releases ?? []) {
      const at = held.findIndex((h) => h.kind === released);
      if (at !== -1) held.splice(at, 1);
    }
    if (def.holds) held.push({ kind: step.kind, what: def.holds(def.params.parse(step.params, `steps[${i}].params`), plan) });
  });
  return held.map((h) => h.what);
}

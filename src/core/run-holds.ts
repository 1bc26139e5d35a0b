import type { Plan } from './plan.ts';
import type { StepResult } from './run.ts';
import { stepDefinition } from './steps/index.ts';

/**
 * What a run holds changed right now: every succeeded (or skipped: already done) step whose kind
 * holds something (auto-sync off, a pin) and that no later step released. `status`, `runs` and `show` say it, so a
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
    // A step that found its change already made (skipped) after this run's crash mid-step holds it
    // too: the plan only has the step because the change was not there when the run began.
    if (r.status !== 'succeeded' && r.status !== 'skipped') return;
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

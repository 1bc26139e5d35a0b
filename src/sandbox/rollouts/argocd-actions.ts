/**
 * Argo CD's resource actions for Rollouts, as its Lua scripts define them: followed from
 * argoproj/argo-cd `resource_customizations/argoproj.io/Rollout/actions/discovery.lua` (which
 * actions are offered, and when they are disabled) and `actions/<name>/action.lua` (what each
 * does to the object), and from `server/application/application.go` `patchResource` (the
 * action's result becomes a JSON merge patch of live → new; when it touches `status`, the whole
 * patch goes to the `status` subresource first, then the rest to the main resource).
 */
import { legacyObservedGeneration } from './argocd-health.ts';
import type { Rollout } from './types.ts';

export interface ResourceAction {
  readonly name: string;
  readonly disabled: boolean;
  readonly displayName?: string;
}

export const ROLLOUT_ACTIONS = ['abort', 'pause', 'promote-full', 'restart', 'resume', 'retry', 'skip-current-step'] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

/** discovery.lua; Argo CD lists actions sorted by name. */
export function discoverActions(ro: Rollout): ResourceAction[] {
  const st = ro.status;
  const paused = st?.pauseConditions != null ? st.pauseConditions.length > 0 : ro.spec.paused === true;
  const fullyPromoted = st?.currentPodHash === st?.stableRS;
  const steps = ro.spec.strategy?.canary?.steps;
  let promoteFullDisabled = true;
  if (st && !fullyPromoted) promoteFullDisabled = legacyObservedGeneration(ro) ? ro.spec.strategy?.blueGreen !== undefined : false;
  const actions: ResourceAction[] = [
    { name: 'restart', disabled: false, displayName: 'Restart Pods' },
    { name: 'resume', disabled: !paused },
    { name: 'abort', disabled: fullyPromoted || st?.abort === true },
    { name: 'retry', disabled: fullyPromoted || st?.abort !== true },
    { name: 'pause', disabled: fullyPromoted || st?.abort === true || ro.spec.paused === true },
    { name: 'promote-full', disabled: promoteFullDisabled },
    { name: 'skip-current-step', disabled: !ro.spec.strategy?.canary || steps === undefined || st?.currentStepIndex === steps.length },
  ];
  return actions.sort((a, b) => a.name.localeCompare(b.name));
}

/** action.lua for `name`: the object the script returns. `nowIso` is `os.date("!%Y-%m-%dT%XZ")`. */
export function runAction(ro: Rollout, name: RolloutAction, nowIso: string): Rollout {
  const obj = structuredClone(ro);
  const status = (obj.status ??= {});
  switch (name) {
    case 'abort':
      status.abort = true;
      return obj;
    case 'retry':
      // Lua's `obj.status.abort = nil` drops the key.
      delete status.abort;
      return obj;
    case 'promote-full': {
      if (legacyObservedGeneration(obj)) {
        delete status.abort;
        if (obj.spec.strategy?.canary?.steps) status.currentStepIndex = obj.spec.strategy.canary.steps.length;
      } else status.promoteFull = true;
      return obj;
    }
    case 'resume':
      if (status.pauseConditions && status.pauseConditions.length > 0) delete status.pauseConditions;
      if (obj.spec.paused) obj.spec.paused = false;
      return obj;
    case 'restart':
      obj.spec.restartAt = nowIso;
      return obj;
    case 'pause':
      obj.spec.paused = true;
      return obj;
    case 'skip-current-step': {
      const steps = obj.spec.strategy?.canary?.steps;
      if (steps) status.currentStepIndex = Math.min((status.currentStepIndex ?? 0) + 1, steps.length);
      return obj;
    }
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObj = (v: unknown): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 7386 diff (`jsonpatch.CreateMergePatch`): what turns `from` into `to`; `{}` when equal. */
export function createMergePatch(from: unknown, to: unknown): Record<string, Json> {
  const out: Record<string, Json> = {};
  const a = isObj(from) ? from : {};
  const b = isObj(to) ? to : {};
  for (const key of Object.keys(a)) if (!(key in b)) out[key] = null;
  for (const [key, value] of Object.entries(b)) {
    const old = a[key];
    if (isObj(old) && isObj(value)) {
      const inner = createMergePatch(old, value);
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else if (JSON.stringify(old) !== JSON.stringify(value)) out[key] = value;
  }
  return out;
}

/** `splitStatusPatch`: the patch without `status`, and whether it touched `status` at all. */
export function splitStatusPatch(patch: Record<string, Json>): { nonStatus: Record<string, Json> | undefined; touchesStatus: boolean } {
  const { status, ...rest } = patch;
  return { nonStatus: Object.keys(rest).length > 0 ? rest : undefined, touchesStatus: status !== undefined };
}

import { deployedRevision, shortHash, SyncPolicy } from './domain.ts';
import type { Facts } from './facts.ts';
import type { Assumptions } from './plan.ts';

/**
 * What a plan assumes about live state, read from the facts as flat observations. A saved plan
 * and the executor's pre-flight compare them with a fresh read; any difference is stale.
 */
export function observe(facts: Facts): Assumptions {
  return { ...observeApplication(facts), ...observeRollout(facts) };
}

function observeApplication(facts: Facts): Assumptions {
  const app = facts.application?.value;
  if (app === undefined) return {};
  return {
    'argocd.deployedRevision': deployedRevision(app),
    'argocd.latestHistoryId': app.history.reduce<number | null>((max, e) => (max === null || e.id > max ? e.id : max), null),
    'argocd.autoSync': SyncPolicy.isAutoSyncOn(app.syncPolicy),
    'argocd.targetRevision': app.source.targetRevision,
    'argocd.hold': app.hold === undefined ? null : app.hold.ok ? app.hold.hold.runId : 'unreadable',
  };
}

/**
 * An Argo Rollout's plan (abort, undo) is about where its canary stands: which ReplicaSet is
 * stable and which is current, the phase and abort the controller reported, and who holds it.
 */
function observeRollout(facts: Facts): Assumptions {
  const r = facts.rollout?.value;
  if (r === undefined) return {};
  return {
    'rollouts.stableHash': r.stableHash ?? null,
    'rollouts.currentHash': r.currentHash ?? null,
    'rollouts.phase': r.phase ?? null,
    'rollouts.abort': r.abort,
    'rollouts.hold': r.hold === undefined ? null : r.hold.ok ? r.hold.hold.runId : 'unreadable',
  };
}

type Value = Assumptions[string];
const show = (v: Value | undefined): string => (v === undefined || v === null ? 'none' : typeof v === 'string' && /^[0-9a-f]{40}$/.test(v) ? shortHash(v) : String(v));

const describe: Readonly<Record<string, (was: Value | undefined, now: Value | undefined) => string>> = {
  'argocd.deployedRevision': (was, now) => `current revision changed: ${show(was)} -> ${show(now)}`,
  'argocd.latestHistoryId': (was, now) => `a new sync landed: history ${show(now)} (was ${show(was)})`,
  'argocd.autoSync': (_was, now) => `auto-sync was turned ${now === true ? 'on' : 'off'} since the plan was made`,
  'argocd.targetRevision': (was, now) => `spec.source.targetRevision changed: ${show(was)} -> ${show(now)}`,
  'argocd.hold': (_was, now) => (now === null ? 'the hold on the app was released' : `the app is now held by run ${show(now)}`),
  'rollouts.stableHash': (was, now) => `the Rollout's stable ReplicaSet changed: ${show(was)} -> ${show(now)}`,
  'rollouts.currentHash': (was, now) => `the Rollout now updates to another template: current pod hash ${show(was)} -> ${show(now)}`,
  'rollouts.phase': (was, now) => `the Rollout's phase changed: ${show(was)} -> ${show(now)}`,
  'rollouts.abort': (_was, now) => (now === true ? 'the Rollout was aborted since the plan was made' : 'the Rollout\'s abort was cleared (retried) since the plan was made'),
  'rollouts.hold': (_was, now) => (now === null ? 'the hold on the Rollout was released' : `the Rollout is now held by run ${show(now)}`),
};

/** One line per assumption that no longer holds; empty when the plan still holds. */
export function assumptionChanges(was: Assumptions, now: Assumptions): string[] {
  const keys = new Set([...Object.keys(was), ...Object.keys(now)]);
  return [...keys]
    .filter((k) => was[k] !== now[k])
    .map((k) => (describe[k] ?? ((a: Value | undefined, b: Value | undefined) => `${k} changed: ${show(a)} -> ${show(b)}`))(was[k], now[k]));
}

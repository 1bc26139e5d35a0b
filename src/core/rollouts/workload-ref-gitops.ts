/**
 * An Argo CD-managed Rollout whose template lives in a Deployment (`workloadRef`): git holds the
 * Deployment with its replicas, and the Rollout's `scaleDown` sets them to 0. Argo CD sees that as
 * drift unless the app ignores `/spec/replicas` of that Deployment, and self-heal scales it back
 * up. Past revision 1 the Rollout never scales it down again (argo-rollouts `rollout/sync.go`
 * L1362 for `onsuccess`, `rollout/replicaset.go` L220 for `progressively`; argo-rollouts issues
 * #4681 and #4935): the Deployment's own Pods then run next to the Rollout's, on whatever template
 * the Deployment has. An ignore rule alone keeps the app Synced, but every sync still applies
 * git's replicas unless the app syncs with `RespectIgnoreDifferences=true` (argo-cd
 * `controller/sync.go` `normalizeTargetResources`), so the revert's sync scales it up too.
 */
import type { ApplicationState } from '../domain.ts';
import type { RolloutFacts } from './rollout-facts.ts';

const REPLICAS = '/spec/replicas';
const RESPECT = 'RespectIgnoreDifferences=true';

const globMatch = (pattern: string, value: string): boolean =>
  new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);

/** The plan warnings for `r` in `app`: what is missing for Argo CD and the Rollout's scaleDown to agree, and what to set. */
export function workloadRefGitOpsWarnings(app: ApplicationState, r: RolloutFacts): string[] {
  const ref = r.workloadRef;
  if (!ref || ref.kind !== 'Deployment' || (ref.scaleDown ?? 'never') === 'never') return [];
  const rules = (app.ignoreDifferences ?? []).filter(
    (x) => globMatch(x.group, 'apps') && globMatch(x.kind, 'Deployment') && (!x.name || x.name === ref.name) && (!x.namespace || x.namespace === r.namespace),
  );
  const ignored = rules.some((x) => x.jsonPointers.some((p) => p === REPLICAS || p === '/spec' || p === ''));
  const rule = `ignoreDifferences: [{group: apps, kind: Deployment, name: ${ref.name}, jsonPointers: [${REPLICAS}]}]`;
  const respect = (app.syncOptions ?? []).includes(RESPECT);
  const who = `Deployment ${r.namespace}/${ref.name}`;
  if (!ignored) {
    const jq = rules.some((x) => x.jqPathExpressions.length > 0) ? ' (a jq rule on it was not evaluated by rewind)' : '';
    return [
      `${app.name} does not ignore ${REPLICAS} of ${who}${jq}, which the Rollout's workloadRef scaleDown (${ref.scaleDown ?? 'never'}) sets to 0: Argo CD sees drift and self-heal scales it back up, and past revision 1 the Rollout never scales it down again (argo-rollouts #4935), so the Deployment's own Pods run next to the Rollout's. Set on the Application: ${rule} and syncOptions: [${RESPECT}] (or leave replicas out of git)`,
    ];
  }
  if (!respect) {
    return [
      `${app.name} ignores ${REPLICAS} of ${who} but does not sync with ${RESPECT}: every sync (the revert's too) applies git's replicas to it, and past revision 1 the Rollout never scales it down again, so its own Pods would run next to the Rollout's. Add to spec.syncPolicy.syncOptions: ${RESPECT} (or leave replicas out of git)`,
    ];
  }
  return [];
}

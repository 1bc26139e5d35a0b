/**
 * An Application's `spec.ignoreDifferences`, as Argo CD applies it (argo-cd
 * `util/argo/normalizers/diff_normalizer.go` NewIgnoreNormalizer/Normalize: a rule matches by
 * group and kind (globs), and by name and namespace when it names them; its `jsonPointers` are
 * left out of the comparison). A sync still applies git's values for those fields unless the app
 * syncs with `RespectIgnoreDifferences=true` (`controller/sync.go` SyncAppState L304-320 and
 * `normalizeTargetResources`: the live values are copied into the target before it is applied).
 *
 * Why it matters here: a Rollout's `workloadRef.scaleDown` sets the referenced Deployment's
 * replicas to 0 while git keeps them; without a rule on `/spec/replicas`, the app is OutOfSync
 * and self-heal scales the Deployment back up.
 *
 * NOTE: `jqPathExpressions` and `managedFieldsManagers` are kept in the spec but not evaluated:
 * a rule that uses only them ignores nothing here (upstream would), which is the harsher side.
 */
import type { KubeObject } from '../kube/types.ts';
import { copyAt } from './json-pointer.ts';

export interface ResourceIgnoreDifferences {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  managedFieldsManagers?: string[];
}

export const RESPECT_IGNORE_DIFFERENCES = 'RespectIgnoreDifferences=true';

/** `glob.Match` for the patterns rules use: `*` matches any run of characters. */
function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

function groupOf(o: KubeObject): string {
  const av = o.apiVersion ?? 'v1';
  const i = av.indexOf('/');
  return i < 0 ? '' : av.slice(0, i);
}

/** The JSON pointers the rules ignore on `o` (the desired object: its namespace is the app's). */
export function ignoredPointers(rules: readonly ResourceIgnoreDifferences[] | undefined, o: KubeObject): string[] {
  const out: string[] = [];
  for (const r of rules ?? []) {
    if (!globMatch(r.group ?? '', groupOf(o)) || !globMatch(r.kind, o.kind ?? '')) continue;
    if (r.name && r.name !== o.metadata.name) continue;
    if (r.namespace && r.namespace !== o.metadata.namespace) continue;
    out.push(...(r.jsonPointers ?? []));
  }
  return out;
}

/** `desired` with the ignored fields holding what `live` holds (absent where live has none). */
export function withLiveAt(desired: KubeObject, live: KubeObject | undefined, pointers: readonly string[]): KubeObject {
  if (!live || pointers.length === 0) return desired;
  const out = structuredClone(desired) as unknown as Record<string, unknown>;
  for (const p of pointers) copyAt(live, out, p);
  return out as unknown as KubeObject;
}

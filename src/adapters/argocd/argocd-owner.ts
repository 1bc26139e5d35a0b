/**
 * The owner of an Application, read as rewind needs it to choose what sticks: an
 * ApplicationSet's rules for this app (`GET /api/v1/applicationsets/{name}`) or a parent app's
 * sync policy (`GET /api/v1/applications/{parent}`). Field meanings follow upstream's
 * `pkg/apis/application/v1alpha1/applicationset_types.go` and
 * `applicationset/controllers/applicationset_controller.go` (a rule with a `name` applies to
 * that app only).
 */
import type { ApplicationsSyncPolicy, AppSetRules, ParentApp } from '../../core/domain.ts';
import { HOLD_ANNOTATION, readHold, type HoldReading } from '../../core/hold.ts';
import { managingApp, toApplicationState } from './argocd-application.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

const POLICIES: readonly ApplicationsSyncPolicy[] = ['create-only', 'create-update', 'create-delete', 'sync'];

export function toAppSetRules(json: unknown, app: string): AppSetRules {
  const spec = obj(obj(json)['spec']);
  const rules = (Array.isArray(spec['ignoreApplicationDifferences']) ? spec['ignoreApplicationDifferences'] : []).map(obj);
  const mine = rules.filter((r) => typeof r['name'] !== 'string' || r['name'] === '' || r['name'] === app);
  const preserved = obj(spec['preservedFields']);
  const policy = obj(spec['syncPolicy'])['applicationsSync'];
  const siblings = (Array.isArray(obj(obj(json)['status'])['resources']) ? (obj(obj(json)['status'])['resources'] as unknown[]) : [])
    .map(obj)
    .filter((r) => r['kind'] === 'Application' && typeof r['name'] === 'string' && r['name'] !== app)
    .map((r) => r['name'] as string);
  const managedBy = managingApp(str(obj(obj(json)['metadata'])['name']) ?? '', obj(obj(json)['metadata']));
  return Object.freeze({
    siblings: Object.freeze(siblings),
    ...(managedBy ? { managedBy: Object.freeze({ name: managedBy }) } : {}),
    ignoredPointers: Object.freeze(mine.flatMap((r) => strings(r['jsonPointers']))),
    jqPathExpressions: Object.freeze(mine.flatMap((r) => strings(r['jqPathExpressions']))),
    preservedAnnotations: Object.freeze(strings(preserved['annotations'])),
    preservedLabels: Object.freeze(strings(preserved['labels'])),
    ...(POLICIES.includes(policy as ApplicationsSyncPolicy) ? { applicationsSync: policy as ApplicationsSyncPolicy } : {}),
  });
}

export function toParentApp(json: unknown): ParentApp {
  const parent = toApplicationState(json);
  const automated = parent.syncPolicy.automated;
  const autoSync = automated !== null && automated.enabled;
  return Object.freeze({
    autoSync,
    selfHeal: autoSync && automated.selfHeal,
    syncPolicy: parent.syncPolicy,
    ...(parent.owner ? { owner: Object.freeze({ kind: parent.owner.kind, name: parent.owner.name }) } : {}),
  });
}

/** rewind's hold written on an ApplicationSet (for an app whose annotations the set wipes). */
export function appSetHold(json: unknown): HoldReading | undefined {
  const raw = str(obj(obj(obj(json)['metadata'])['annotations'])[HOLD_ANNOTATION]);
  return raw === undefined ? undefined : readHold(raw);
}

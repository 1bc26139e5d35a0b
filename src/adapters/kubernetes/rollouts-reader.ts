/**
 * argoproj.io/v1alpha1 JSON (Rollout, its ReplicaSets and Pods, AnalysisRuns, templates) as
 * rewind's `RolloutFacts`. Pure: `rollouts-control.ts` reads the objects, this maps them. Field
 * names follow argo-rollouts `pkg/apis/rollouts/v1alpha1/types.go` and `analysis_types.go`;
 * labels `rollouts-pod-template-hash`, `rollout-type`, `step-index` are upstream's
 * (`pkg/apis/rollouts/v1alpha1/types.go` DefaultRolloutUniqueLabelKey, `utils/analysis`).
 */
import { HOLD_ANNOTATION, readHold } from '../../core/hold.ts';
import type { AnalysisMetricResult, AnalysisRunFact, AnalysisTemplateFact, RolloutArg, RolloutFacts, RolloutImage, RolloutReplicaSet, RolloutStep, TemplateMetric, TemplateRef } from '../../core/rollouts/rollout-facts.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** `spec.workloadRef.scaleDown` values (absent means never). */
const SCALE_DOWN = ['never', 'onsuccess', 'progressively'] as const;

export const HASH_LABEL = 'rollouts-pod-template-hash';
export const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';

function templateImages(template: unknown): RolloutImage[] {
  const spec = obj(obj(template)['spec']);
  return [
    ...arr(spec['containers']).map((c) => ({ container: str(obj(c)['name']) ?? '', image: str(obj(c)['image']) ?? '' })),
    ...arr(spec['initContainers']).map((c) => ({ container: str(obj(c)['name']) ?? '', image: str(obj(c)['image']) ?? '', init: true })),
  ];
}

const templateRefs = (v: unknown): TemplateRef[] => arr(v).map((t) => ({ name: str(obj(t)['templateName']) ?? '', clusterScope: obj(t)['clusterScope'] === true }));

function stepOf(v: unknown): RolloutStep {
  const s = obj(v);
  if (num(s['setWeight']) !== undefined) return { kind: 'setWeight', weight: num(s['setWeight']) ?? 0 };
  if ('pause' in s) {
    const d = obj(s['pause'])['duration'];
    return typeof d === 'string' || typeof d === 'number' ? { kind: 'pause', duration: String(d) } : { kind: 'pause' };
  }
  if ('analysis' in s) return { kind: 'analysis', templates: templateRefs(obj(s['analysis'])['templates']) };
  return { kind: 'other', name: Object.keys(s)[0] ?? '?' };
}

/** Pods by the hash label, their running images' digests (whatever the runtime spelled). */
function podDigests(pods: readonly unknown[], hash: string): string[] {
  const out = new Set<string>();
  for (const p of pods) {
    if (str(obj(obj(obj(p)['metadata'])['labels'])[HASH_LABEL]) !== hash) continue;
    for (const cs of [...arr(obj(obj(p)['status'])['containerStatuses']), ...arr(obj(obj(p)['status'])['initContainerStatuses'])]) {
      const id = str(obj(cs)['imageID']);
      if (id) out.add(id);
    }
  }
  return [...out].sort();
}

function replicaSetOf(rs: unknown, pods: readonly unknown[]): RolloutReplicaSet {
  const m = obj(obj(rs)['metadata']);
  const hash = str(obj(m['labels'])[HASH_LABEL]) ?? '';
  return {
    name: str(m['name']) ?? '',
    hash,
    revision: num(obj(m['annotations'])[REVISION_ANNOTATION]) ?? 0,
    replicas: num(obj(obj(rs)['spec'])['replicas']) ?? 0,
    availableReplicas: num(obj(obj(rs)['status'])['availableReplicas']) ?? 0,
    images: templateImages(obj(obj(rs)['spec'])['template']),
    digests: podDigests(pods, hash),
    ...(str(m['creationTimestamp']) ? { createdAt: new Date(str(m['creationTimestamp']) ?? '').toISOString() } : {}),
  };
}

/** One metric of a run, with the template's query and conditions from the run's own spec. */
function metricOf(result: unknown, spec: Json | undefined): AnalysisMetricResult {
  const r = obj(result);
  const provider = obj(spec?.['provider']);
  const kind = Object.keys(provider)[0] ?? 'unknown';
  const measurements = arr(r['measurements']);
  const last = obj(measurements[measurements.length - 1]);
  const query = str(obj(provider[kind])['query']);
  const value = str(last['value']);
  const message = str(r['message']) ?? str(last['message']);
  const success = str(spec?.['successCondition']);
  const failure = str(spec?.['failureCondition']);
  return {
    name: str(r['name']) ?? '',
    phase: str(r['phase']) ?? '',
    provider: kind,
    ...(query !== undefined ? { query } : {}),
    ...(success !== undefined ? { successCondition: success } : {}),
    ...(failure !== undefined ? { failureCondition: failure } : {}),
    ...(value !== undefined ? { lastValue: value } : {}),
    ...(message !== undefined ? { message } : {}),
    count: num(r['count']) ?? measurements.length,
    failed: num(r['failed']) ?? 0,
    inconclusive: num(r['inconclusive']) ?? 0,
    error: num(r['error']) ?? 0,
  };
}

function analysisRunOf(run: unknown): AnalysisRunFact {
  const m = obj(obj(run)['metadata']);
  const labels = obj(m['labels']);
  const status = obj(obj(run)['status']);
  const specs = new Map(arr(obj(obj(run)['spec'])['metrics']).map((x) => [str(obj(x)['name']) ?? '', obj(x)]));
  const type = str(labels['rollout-type']);
  const step = num(labels['step-index']);
  const hash = str(labels[HASH_LABEL]);
  const revision = num(obj(m['annotations'])[REVISION_ANNOTATION]);
  const message = str(status['message']);
  return {
    name: str(m['name']) ?? '',
    phase: str(status['phase']) ?? 'Pending',
    ...(message ? { message } : {}),
    type: type === 'Background' ? 'background' : type === 'Step' ? 'step' : 'other',
    ...(step !== undefined ? { stepIndex: step } : {}),
    ...(hash ? { podHash: hash } : {}),
    ...(revision !== undefined ? { revision } : {}),
    metrics: arr(status['metricResults']).map((r) => metricOf(r, specs.get(str(obj(r)['name']) ?? ''))),
  };
}

export interface RolloutObjects {
  readonly rollout: unknown;
  readonly replicaSets: readonly unknown[];
  readonly pods: readonly unknown[];
  readonly analysisRuns: readonly unknown[];
  /** Names of the AnalysisTemplates in the namespace and of the ClusterAnalysisTemplates. */
  /** The AnalysisTemplates and ClusterAnalysisTemplates; undefined when they could not be listed (RBAC): then no template is called missing. */
  readonly templates: { readonly namespaced: readonly unknown[]; readonly cluster: readonly unknown[] } | undefined;
}

/** The Rollout's ReplicaSets are those it controls (upstream `listReplicaSets`: `IsControlledBy`). */
export function toRolloutFacts(o: RolloutObjects): RolloutFacts {
  const r = obj(o.rollout);
  const meta = obj(r['metadata']);
  const spec = obj(r['spec']);
  const status = obj(r['status']);
  const uid = str(meta['uid']);
  const strategy = obj(spec['strategy']);
  const canary = obj(strategy['canary']);
  const owned = o.replicaSets.filter((rs) => arr(obj(obj(rs)['metadata'])['ownerReferences']).some((ref) => obj(ref)['controller'] === true && str(obj(ref)['uid']) === uid));
  const runs = o.analysisRuns.filter((run) => arr(obj(obj(run)['metadata'])['ownerReferences']).some((ref) => str(obj(ref)['uid']) === uid));
  const steps = arr(canary['steps']).map(stepOf);
  const background = 'analysis' in canary ? obj(canary['analysis']) : undefined;
  const named = [...steps.flatMap((s) => (s.kind === 'analysis' ? s.templates : [])), ...templateRefs(background?.['templates'])];
  const nameOf = (t: unknown): string => str(obj(obj(t)['metadata'])['name']) ?? '';
  const known = o.templates ? { namespaced: o.templates.namespaced.map(nameOf), cluster: o.templates.cluster.map(nameOf) } : undefined;
  const found: AnalysisTemplateFact[] = [];
  for (const t of named) {
    const raw = (t.clusterScope ? o.templates?.cluster : o.templates?.namespaced)?.find((x) => nameOf(x) === t.name);
    if (raw !== undefined && !found.some((f) => f.name === t.name && f.clusterScope === t.clusterScope)) found.push(templateOf(t, raw));
  }
  const args = [...arr(canary['steps']).flatMap((s) => arr(obj(obj(s)['analysis'])['args'])), ...arr(background?.['args'])].map(argOf);
  const missing = !known ? [] : named.filter((t) => !(t.clusterScope ? known.cluster : known.namespaced).includes(t.name)).map((t) => `${t.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate'} ${t.name}`);
  const invalid = arr(status['conditions']).map(obj).find((c) => c['type'] === 'InvalidSpec' && c['status'] === 'True');
  const weights = obj(obj(status['canary'])['weights']);
  const canaryWeight = num(obj(weights['canary'])['weight']);
  const workloadRef = obj(spec['workloadRef']);
  const window = num(obj(spec['rollbackWindow'])['revisions']);
  const optional = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } => (v === undefined ? {} : ({ [k]: v } as { [P in K]?: V }));
  return {
    name: str(meta['name']) ?? '',
    namespace: str(meta['namespace']) ?? '',
    generation: num(meta['generation']) ?? 0,
    replicas: num(spec['replicas']) ?? 1,
    ...optional('phase', str(status['phase'])),
    ...optional('message', str(status['message'])),
    abort: status['abort'] === true,
    ...optional('abortedAt', str(status['abortedAt'])),
    specPaused: spec['paused'] === true,
    pauseReasons: arr(status['pauseConditions']).map((p) => str(obj(p)['reason']) ?? ''),
    strategy: 'canary' in strategy ? 'canary' : 'blueGreen' in strategy ? 'blueGreen' : 'unknown',
    steps,
    ...optional('currentStepIndex', num(status['currentStepIndex'])),
    ...optional('canaryWeight', canaryWeight),
    ...optional('stableHash', str(status['stableRS'])),
    ...optional('currentHash', str(status['currentPodHash'])),
    replicaSets: owned.map((rs) => replicaSetOf(rs, o.pods)),
    analysisRuns: runs.map(analysisRunOf),
    ...(background ? { backgroundAnalysis: { templates: templateRefs(background['templates']), ...optional('startingStep', num(background['startingStep'])) } } : {}),
    ...(str(workloadRef['name']) ? { workloadRef: { kind: str(workloadRef['kind']) ?? 'Deployment', name: str(workloadRef['name']) ?? '', ...optional('scaleDown', SCALE_DOWN.find((m) => m === str(workloadRef['scaleDown']))) } } : {}),
    ...optional('rollbackWindow', window),
    analysisTemplates: found,
    analysisArgs: args.filter((a, i) => args.findIndex((b) => b.name === a.name) === i),
    missingTemplates: missing,
    ...optional('invalidSpec', invalid ? str(invalid['message']) ?? 'InvalidSpec' : undefined),
    ...optional('hold', str(obj(meta['annotations'])[HOLD_ANNOTATION]) !== undefined ? readHold(str(obj(meta['annotations'])[HOLD_ANNOTATION]) ?? '') : undefined),
  };
}

function templateOf(ref: TemplateRef, raw: unknown): AnalysisTemplateFact {
  const spec = obj(obj(raw)['spec']);
  return {
    name: ref.name,
    clusterScope: ref.clusterScope,
    args: arr(spec['args']).map((a) => ({ name: str(obj(a)['name']) ?? '', ...(str(obj(a)['value']) !== undefined ? { value: str(obj(a)['value']) ?? '' } : {}) })),
    metrics: arr(spec['metrics']).map((m): TemplateMetric => {
      const x = obj(m);
      const provider = obj(x['provider']);
      const kind = Object.keys(provider)[0] ?? 'unknown';
      const p = obj(provider[kind]);
      const fields: Record<string, unknown> = {
        address: str(p['address']), query: str(p['query']), successCondition: str(x['successCondition']), failureCondition: str(x['failureCondition']),
        interval: str(x['interval']), initialDelay: str(x['initialDelay']), count: num(x['count']), failureLimit: num(x['failureLimit']),
        inconclusiveLimit: num(x['inconclusiveLimit']), consecutiveErrorLimit: num(x['consecutiveErrorLimit']),
      };
      return { name: str(x['name']) ?? '', provider: kind, ...(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<TemplateMetric>) };
    }),
  };
}

function argOf(a: unknown): RolloutArg {
  const x = obj(a);
  const from = obj(x['valueFrom']);
  const hash = str(from['podTemplateHashValue']);
  const field = str(obj(from['fieldRef'])['fieldPath']);
  return {
    name: str(x['name']) ?? '',
    ...(str(x['value']) !== undefined ? { value: str(x['value']) ?? '' } : {}),
    ...(hash === 'Stable' || hash === 'Latest' ? { podTemplateHashValue: hash } : {}),
    ...(field ? { fieldRef: field } : {}),
  };
}

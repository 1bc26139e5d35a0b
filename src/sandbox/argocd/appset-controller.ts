/**
 * The ApplicationSet controller, as upstream's `applicationset/controllers/applicationset_controller.go`
 * (`Reconcile`, `createOrUpdateInCluster` L700-830, `createInCluster`, `deleteInCluster`) and
 * `applicationset/utils/createOrUpdate.go` (`CreateOrUpdate`, `applyIgnoreDifferences`):
 *
 * - each generated Application is re-applied whole: spec, labels, annotations and finalizers
 *   become the template's. Only `ignoreApplicationDifferences` (JSON pointers) keeps a live
 *   value, and only `preservedFields` plus upstream's default annotations
 *   (`notified.notifications.argoproj.io`, `argocd.argoproj.io/refresh`, `argocd.argoproj.io/hydrate`)
 *   and pre/post-delete finalizers survive from the live app. Anything else someone wrote on the
 *   app (a disabled auto-sync, a pinned revision, an annotation) is put back.
 * - `spec.syncPolicy.applicationsSync`: `create-only` only creates, `create-update` never
 *   deletes, `create-delete` never updates, `sync` (the default) does all three.
 *
 * Upstream reconciles when the set or one of its Applications changes; so does this one (and
 * every APPSET_INTERVAL_MS sandbox ms as a resync). `jqPathExpressions` are not modelled.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { SandboxClock } from '../clock.ts';
import type { Application } from './application.ts';
import type { AppStore } from './app-store.ts';
import { generateApplications, normalizeSpec, policyOf, type ApplicationSet, type AppSetStore } from './appset.ts';
import { copyAt } from './json-pointer.ts';
import { argoTime } from './sync-operation.ts';

/** Sandbox ms between resync passes (upstream requeues on every change, and resyncs every 3 min). */
export const APPSET_INTERVAL_MS = 3_000;
const MIN_REAL_RESYNC_MS = 400;

/** Upstream's `defaultPreservedAnnotations` and `defaultPreservedFinalizers` (prefix match). */
const DEFAULT_PRESERVED_ANNOTATIONS = ['notified.notifications.argoproj.io', 'argocd.argoproj.io/refresh', 'argocd.argoproj.io/hydrate'];
const DEFAULT_PRESERVED_FINALIZERS = ['pre-delete-finalizer.argocd.argoproj.io', 'post-delete-finalizer.argocd.argoproj.io'];

type Generated = ReturnType<typeof generateApplications>[number];

const ownerOf = (app: Application): string | undefined =>
  app.metadata.ownerReferences?.find((r) => r.kind === 'ApplicationSet' && r.controller)?.name;

function ownerRef(set: ApplicationSet): NonNullable<Application['metadata']['ownerReferences']>[number] {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', name: set.metadata.name, uid: set.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/** The fields `CreateOrUpdate` compares and patches, as one document the ignore rules' pointers address. */
interface Managed {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; ownerReferences?: Application['metadata']['ownerReferences'] };
  spec: Application['spec'];
}

const managedOf = (app: Application): Managed => ({
  metadata: {
    ...(app.metadata.labels ? { labels: app.metadata.labels } : {}),
    ...(app.metadata.annotations ? { annotations: app.metadata.annotations } : {}),
    ...(app.metadata.finalizers?.length ? { finalizers: app.metadata.finalizers } : {}),
    ...(app.metadata.ownerReferences?.length ? { ownerReferences: app.metadata.ownerReferences } : {}),
  },
  spec: normalizeSpec(app.spec),
});

/** The generated app after the mutate function of `createOrUpdateInCluster`, with the ignore rules applied. */
export function desiredFor(set: ApplicationSet, generated: Generated, live: Application): Managed {
  const annotations = { ...(generated.metadata.annotations ?? {}) };
  const labels = { ...(generated.metadata.labels ?? {}) };
  for (const key of [...(set.spec.preservedFields?.annotations ?? []), ...DEFAULT_PRESERVED_ANNOTATIONS]) {
    const v = live.metadata.annotations?.[key];
    if (v !== undefined) annotations[key] = v;
  }
  for (const key of set.spec.preservedFields?.labels ?? []) {
    const v = live.metadata.labels?.[key];
    if (v !== undefined) labels[key] = v;
  }
  const finalizers = [...(generated.metadata.finalizers ?? [])];
  for (const f of live.metadata.finalizers ?? []) if (DEFAULT_PRESERVED_FINALIZERS.some((p) => f.startsWith(p))) finalizers.push(f);
  const desired: Managed = {
    metadata: {
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ...(finalizers.length ? { finalizers } : {}),
      ownerReferences: [ownerRef(set)],
    },
    spec: structuredClone(generated.spec),
  };
  const liveDoc = managedOf(live);
  for (const rule of set.spec.ignoreApplicationDifferences ?? []) {
    if (rule.name && rule.name !== live.metadata.name) continue;
    for (const p of rule.jsonPointers ?? []) copyAt(liveDoc, desired as unknown as Record<string, unknown>, p);
  }
  desired.spec = normalizeSpec(desired.spec);
  return desired;
}

function newApplication(set: ApplicationSet, generated: Generated, now: Date): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { ...generated.metadata, uid: randomUUID(), resourceVersion: '0', generation: 1, creationTimestamp: argoTime(now), ownerReferences: [ownerRef(set)] },
    spec: generated.spec,
    status: { sync: { status: 'Unknown' }, health: { status: 'Missing' }, summary: {}, sourceType: 'Kustomize', controllerNamespace: 'argocd' },
  };
}

/** One reconcile of `set`; returns what it did, one line per app. */
export function reconcileAppSet(apps: AppStore, set: ApplicationSet, now: Date): string[] {
  const done: string[] = [];
  const policy = policyOf(set);
  const generated = generateApplications(set);
  for (const g of generated) {
    // NOTE: read-only (a copy of every app per resync was most of the ApplicationSet controller's idle time); writes go through `update`, which copies.
    const live = apps.peek(g.metadata.name);
    if (!live) {
      apps.create(newApplication(set, g, now));
      done.push(`created ${g.metadata.name}`);
      continue;
    }
    if (!policy.update) continue;
    const desired = desiredFor(set, g, live);
    if (isDeepStrictEqual(desired, managedOf(live))) continue;
    apps.update(g.metadata.name, (a) => {
      a.spec = desired.spec;
      const { labels, annotations, finalizers, ownerReferences } = desired.metadata;
      if (labels) a.metadata.labels = labels;
      else delete a.metadata.labels;
      if (annotations) a.metadata.annotations = annotations;
      else delete a.metadata.annotations;
      if (finalizers) a.metadata.finalizers = finalizers;
      else delete a.metadata.finalizers;
      a.metadata.ownerReferences = ownerReferences;
    });
    done.push(`updated ${g.metadata.name}`);
  }
  if (policy.delete) {
    const wanted = new Set(generated.map((g) => g.metadata.name));
    for (const a of apps.scan()) {
      if (ownerOf(a) !== set.metadata.name || wanted.has(a.metadata.name)) continue;
      apps.delete(a.metadata.name);
      done.push(`deleted ${a.metadata.name}`);
    }
  }
  return done;
}

export function startAppSetController(deps: { apps: AppStore; sets: AppSetStore; clock: SandboxClock; log(message: string): void }): { close(): void } {
  let queued = false;
  let closed = false;
  const pass = (): void => {
    queued = false;
    if (closed) return;
    for (const set of deps.sets.list()) {
      for (const line of reconcileAppSet(deps.apps, set, deps.clock.now())) deps.log(`applicationset ${set.metadata.name}: ${line}`);
    }
  };
  // Coalesces a burst of changes into one pass, after the write that caused it has returned.
  const soon = (): void => {
    if (queued || closed) return;
    queued = true;
    setImmediate(pass);
  };
  const offApps = deps.apps.onChange((_name, change) => {
    if (change.spec || change.metadata) soon();
  });
  const offSets = deps.sets.onChange(() => soon());
  // NOTE: a real-time floor as the app controller's: at --speed 20 a 3 s resync would re-read the
  // generators' git every 150 ms; changes to apps and sets still pass at once through `soon`.
  const timer = setInterval(pass, Math.max(MIN_REAL_RESYNC_MS, deps.clock.toRealMs(APPSET_INTERVAL_MS)));
  timer.unref();
  soon();
  return {
    close: () => {
      closed = true;
      offApps();
      offSets();
      clearInterval(timer);
    },
  };
}

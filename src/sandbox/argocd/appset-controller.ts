/**
 * A small ApplicationSet controller: the Applications an ApplicationSet generated carry an
 * owner reference to it, and it puts their `spec.syncPolicy` (and source) back to its
 * template within a few sandbox seconds, unless `ignoreApplicationDifferences` lists the
 * field, as upstream's does. This is why disabling auto-sync on such an app does not stick.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { SandboxClock } from '../clock.ts';
import type { ApplicationSpec } from './application.ts';
import type { AppStore } from './app-store.ts';

export interface ApplicationSet {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'ApplicationSet';
  metadata: { name: string; namespace: string; uid: string; creationTimestamp: string };
  spec: {
    goTemplate?: boolean;
    generators: Record<string, unknown>[];
    template: { metadata: { name: string; labels?: Record<string, string> }; spec: Pick<ApplicationSpec, 'syncPolicy' | 'source' | 'project'> & Partial<ApplicationSpec> };
    ignoreApplicationDifferences?: { jsonPointers?: string[]; name?: string }[];
  };
}

export interface AppSetStore {
  get(name: string): ApplicationSet | undefined;
  list(): ApplicationSet[];
  upsert(set: ApplicationSet): ApplicationSet;
}

export function createAppSetStore(): AppSetStore {
  const sets = new Map<string, ApplicationSet>();
  return {
    get: (name) => structuredClone(sets.get(name)),
    list: () => [...sets.values()].map((s) => structuredClone(s)),
    upsert(set) {
      const prev = sets.get(set.metadata.name);
      const stored = structuredClone(set);
      stored.metadata.uid = prev?.metadata.uid ?? stored.metadata.uid ?? randomUUID();
      sets.set(stored.metadata.name, stored);
      return structuredClone(stored);
    },
  };
}

/** Sandbox ms between passes; upstream requeues on every Application change. */
export const APPSET_INTERVAL_MS = 3_000;

function ignores(set: ApplicationSet, appName: string, pointer: string): boolean {
  return (set.spec.ignoreApplicationDifferences ?? []).some(
    (rule) => (rule.name === undefined || rule.name === appName) && (rule.jsonPointers ?? []).some((p) => pointer === p || pointer.startsWith(`${p}/`)),
  );
}

export function startAppSetController(deps: { apps: AppStore; sets: AppSetStore; clock: SandboxClock; log(message: string): void }): { close(): void } {
  const pass = (): void => {
    for (const app of deps.apps.list()) {
      const owner = app.metadata.ownerReferences?.find((r) => r.kind === 'ApplicationSet');
      const set = owner && deps.sets.get(owner.name);
      if (!set) continue;
      const template = set.spec.template.spec;
      const restoreSyncPolicy = !ignores(set, app.metadata.name, '/spec/syncPolicy') && !isDeepStrictEqual(app.spec.syncPolicy, template.syncPolicy);
      // A rule for a field inside source (targetRevision) keeps that field as the app has it.
      const keepTarget = ignores(set, app.metadata.name, '/spec/source/targetRevision');
      const wantedSource = keepTarget && template.source ? { ...template.source, targetRevision: app.spec.source.targetRevision } : template.source;
      const restoreSource = !ignores(set, app.metadata.name, '/spec/source') && !isDeepStrictEqual(app.spec.source, wantedSource);
      if (!restoreSyncPolicy && !restoreSource) continue;
      deps.log(`applicationset ${set.metadata.name}: restoring ${app.metadata.name} ${restoreSyncPolicy ? 'spec.syncPolicy' : 'spec.source'} from the template`);
      deps.apps.update(app.metadata.name, (a) => {
        if (restoreSyncPolicy) {
          if (template.syncPolicy === undefined) delete a.spec.syncPolicy;
          else a.spec.syncPolicy = structuredClone(template.syncPolicy);
        }
        if (restoreSource) a.spec.source = structuredClone(wantedSource);
      });
    }
  };
  const timer = deps.clock.setInterval(pass, APPSET_INTERVAL_MS);
  return { close: () => deps.clock.clearInterval(timer) };
}

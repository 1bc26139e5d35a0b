/**
 * Runs one cluster's controllers on the sandbox clock: garbage collector, Deployments, Argo
 * Rollouts (AnalysisRuns, Rollouts), ReplicaSets, then the kubelet, every tick. Each step writes through the registry, so
 * every change is a watch event, as with a real control plane.
 */
import type { SandboxClock } from '../clock.ts';
import { syncDeployments } from './deployment-controller.ts';
import { collectGarbage } from './garbage-collector.ts';
import { Kubelet, type ImageRuntime } from './kubelet.ts';
import type { ClusterRegistry } from './registry.ts';
import { RESOURCE_TYPES, type ResourceType } from './resources.ts';
import type { StoredObject } from './types.ts';
import { syncReplicaSets } from './replicaset-controller.ts';
import { syncArgoRollouts, type MetricQuery } from '../rollouts/index.ts';

/** Sandbox ms between ticks; pod start-up takes 1-2 sandbox seconds, so rollouts move in a few ticks. */
const TICK_MS = 200;
/** A fast clock would tick every real millisecond; a floor keeps the CPU for the clients. */
const MIN_REAL_TICK_MS = 100;

export interface ControllerLoop {
  /** Runs one pass now (also used by tests to settle state quickly). */
  tick(): void;
  stop(): void;
}

/** Without a metrics engine, every Prometheus measurement is an Error (never a pass). */
const NO_METRICS: MetricQuery = () => ({ error: 'the sandbox runs no Prometheus-compatible API for analysis' });

export function startControllers(registry: ClusterRegistry, clock: SandboxClock, images: ImageRuntime, onError: (error: unknown) => void, query: MetricQuery = NO_METRICS): ControllerLoop {
  const kubelet = new Kubelet(registry, images);
  const tick = (): void => {
    for (const step of [() => collectGarbage(registry), () => syncDeployments(registry), () => syncArgoRollouts(registry, query), () => syncReplicaSets(registry), () => kubelet.sync()]) {
      try {
        step();
      } catch (error) {
        onError(error);
      }
    }
  };
  const timer = setInterval(tick, Math.max(MIN_REAL_TICK_MS, clock.toRealMs(TICK_MS)));
  timer.unref();
  // Upstream's controllers are informer-driven: a Deployment whose template a client changed
  // (`kubectl rollout undo`, an Argo CD sync) is synced within milliseconds
  // (pkg/controller/deployment/deployment_controller.go `updateDeployment` enqueues it from the
  // watch), long before Argo CD's self-heal can put the old template back. The loop
  // watches the store as an informer does: an object whose generation moved (a new spec) runs a
  // pass as soon as the writer's turn ends, not at the next tick. A pass that changes a spec itself
  // (scaling a ReplicaSet) runs the next, as the ReplicaSet controller's informer would; status
  // writes keep the generation and run none, so an idle cluster runs only its ticks.
  const generations = new Map<string, number>();
  const keyOf = (type: ResourceType, o: Readonly<StoredObject>): string => `${type.group}/${type.plural}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  for (const type of RESOURCE_TYPES) {
    for (const o of registry.store.scan(type)) if (o.metadata.generation !== undefined) generations.set(keyOf(type, o), o.metadata.generation);
  }
  let soon: ReturnType<typeof setImmediate> | undefined;
  let stopped = false;
  const unsubscribe = registry.store.subscribe((event) => {
    const key = keyOf(event.resource, event.object);
    const generation = event.object.metadata.generation;
    if (event.type === 'DELETED' || generation === undefined) {
      generations.delete(key);
      return;
    }
    const before = generations.get(key);
    generations.set(key, generation);
    // A created object waits for the tick: the controllers' own creations (ReplicaSets) would each run a pass.
    if (event.type === 'ADDED' || before === generation || soon || stopped) return;
    soon = setImmediate(() => {
      soon = undefined;
      tick();
    });
    soon.unref();
  });
  return {
    tick,
    stop: () => {
      stopped = true;
      clearInterval(timer);
      if (soon) clearImmediate(soon);
      unsubscribe();
    },
  };
}

/**
 * What a Pod's flagd evaluates: the ConfigMap it mounts, as the kubelet last projected it into
 * the volume. The kubelet refreshes ConfigMap volumes on its periodic Pod sync, not on the
 * ConfigMap's update (kubernetes `pkg/volume/configmap/configmap.go` writes the payload on each
 * SetUp; `pkg/kubelet/kubelet.go` syncs every `--sync-frequency`, 1 min by default, jittered), so a
 * Pod sees a change up to about a minute after the API has it; flagd's file watcher then reloads
 * at once. Flags are evaluated with flagd's own evaluator (`@openfeature/flagd-core`), the same
 * code rewind uses to read them back.
 */
import { FlagdCore } from '@openfeature/flagd-core';
import type { Logger } from '@openfeature/core';
import type { ClusterView } from '../kube/index.ts';
import type { Pod } from '../kube/types.ts';
import { FLAGS_FILE, SLOW_FEATURE } from './flag-files.ts';

/** The kubelet's default `--sync-frequency`. */
export const KUBELET_SYNC_MS = 60_000;

const quiet: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

interface Projected {
  readonly at: number;
  readonly text: string | undefined;
}

type PodVolume = { configMap?: { name?: string } };

export class PodFlags {
  readonly #view: (cluster: string) => ClusterView;
  readonly #projected = new Map<string, Projected>();
  /** Per Pod: what its flagd last loaded successfully. */
  readonly #lastGood = new Map<string, boolean>();
  /**
   * Per Pod: the file last evaluated when the flag had no targeting (flagd's `STATIC`), whose answer
   * the same text always gives: a flagd parse per Pod per scrape was a visible part of an idle sandbox at speed 20.
   */
  readonly #staticFor = new Map<string, string>();

  constructor(view: (cluster: string) => ClusterView) {
    this.#view = view;
  }

  /** The flag file in the Pod's ConfigMap volume at sandbox time `atMs`; undefined when it mounts none. */
  #file(cluster: string, pod: Pod, atMs: number): string | undefined {
    const volumes = ((pod.spec as { volumes?: PodVolume[] }).volumes ?? []).filter((v) => v.configMap?.name);
    if (volumes.length === 0) return undefined;
    const key = `${cluster}/${pod.metadata.uid}`;
    const last = this.#projected.get(key);
    // Each Pod syncs on its own phase (the kubelet jitters its workers), so Pods flip one by one.
    const phase = ([...pod.metadata.uid].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 9973, 0) / 9973) * KUBELET_SYNC_MS;
    if (last && Math.floor((atMs - phase) / KUBELET_SYNC_MS) === Math.floor((last.at - phase) / KUBELET_SYNC_MS)) return last.text;
    let text: string | undefined;
    for (const v of volumes) {
      const cm = this.#view(cluster).get('', 'v1', 'configmaps', pod.metadata.namespace, v.configMap?.name ?? '') as { data?: Record<string, string> } | undefined;
      text ??= cm?.data?.[FLAGS_FILE];
    }
    this.#projected.set(key, { at: atMs, text });
    return text;
  }

  /** True when the Pod's flagd evaluates the slow feature on for an anonymous request. */
  slowFeatureOn(cluster: string, pod: Pod, atMs: number): boolean {
    const text = this.#file(cluster, pod, atMs);
    if (text === undefined) return false;
    const key = `${cluster}/${pod.metadata.uid}`;
    if (this.#staticFor.get(key) === text) return this.#lastGood.get(key)!;
    this.#staticFor.delete(key);
    const core = new FlagdCore(undefined, quiet);
    try {
      core.setConfigurations(text);
    } catch {
      // flagd keeps serving its last good configuration when a reload fails; so does this Pod.
      return this.#lastGood.get(key) ?? false;
    }
    const resolved = core.resolveBooleanEvaluation(SLOW_FEATURE, false, {}, quiet);
    this.#lastGood.set(key, resolved.value);
    if (resolved.reason === 'STATIC') this.#staticFor.set(key, text);
    return resolved.value;
  }

  forget(cluster: string, uid: string): void {
    this.#projected.delete(`${cluster}/${uid}`);
    this.#lastGood.delete(`${cluster}/${uid}`);
    this.#staticFor.delete(`${cluster}/${uid}`);
  }
}

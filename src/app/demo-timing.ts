/**
 * Where a demo's time goes: for each phase and each step of the run, the wall time and rewind's
 * own time, i.e. this process's CPU time (process.cpuUsage: user + system). The sandbox runs in
 * its own process, so everything else in the wall time is the systems' time: the sandbox's
 * simulated rollout at the demo's speed, its HTTP answers, git, and the waits on them.
 */
import type { ProgressEvent } from '../executor/step-context.ts';
import type { WorkloadRef } from '../core/domain.ts';
import type { ReachedEntry } from '../sandbox/reached-log.ts';

export interface TimedPart {
  readonly name: string;
  readonly wallMs: number;
  readonly ownMs: number;
  /** For a step that waited: how it noticed the state it waited for (`ms`: stream event to the end of the read that saw it). */
  readonly noticed?: {
    readonly via: 'stream' | 'poll' | 'first';
    readonly ms?: number;
    /**
     * From the moment the sandbox recorded reaching the awaited state (its reached.jsonl) to the end
     * of the read that saw it: the whole notice latency, the stream's delivery included.
     */
    readonly sinceReachedMs?: number;
  };
}

export interface DemoTiming {
  readonly wallMs: number;
  readonly ownMs: number;
  readonly phases: readonly TimedPart[];
  /** The rollback run's steps (a part of the `rollback` phase). */
  readonly steps: readonly TimedPart[];
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export class DemoClock {
  readonly #phases: TimedPart[] = [];
  readonly #steps: TimedPart[] = [];
  readonly #start = { wall: performance.now(), cpu: cpuMs() };
  #phase = { name: '', wall: 0, cpu: 0 };
  #step: { name: string; wall: number; cpu: number; noticed?: TimedPart['noticed'] } | undefined;
  /** Per step index: when its wait began and when it saw its state (epoch ms, this host). */
  readonly #waits = new Map<number, { startedAt: number; noticedAt?: number; part?: number }>();

  /** Ends the current phase (if any) and starts `name`. */
  phase(name: string): void {
    this.#close();
    this.#phase = { name, wall: performance.now(), cpu: cpuMs() };
  }

  /** Wraps a progress listener to time each step between its start and end events. */
  steps(progress: (e: ProgressEvent) => void): (e: ProgressEvent) => void {
    return (e) => {
      if (e.kind === 'step-started') {
        this.#step = { name: `${e.step} ${e.title}`, wall: performance.now(), cpu: cpuMs() };
        this.#waits.set(e.step, { startedAt: Date.now() });
      }
      if (e.kind === 'noticed' && this.#step) {
        this.#step.noticed = { via: e.via, ...(e.ms !== undefined ? { ms: e.ms } : {}) };
        const w = this.#waits.get(e.step);
        if (w && e.atMs !== undefined) w.noticedAt = e.atMs;
      }
      if (e.kind === 'step-ended' && this.#step) {
        const w = this.#waits.get(e.step);
        if (w) w.part = this.#steps.length;
        const { noticed } = this.#step;
        this.#steps.push({ name: this.#step.name, wallMs: performance.now() - this.#step.wall, ownMs: cpuMs() - this.#step.cpu, ...(noticed ? { noticed } : {}) });
        this.#step = undefined;
      }
      progress(e);
    };
  }

  /**
   * Adds the sandbox-side notice latency to step `index`'s timing: `reachedAt` gets the step's
   * start and the moment it noticed (epoch ms) and answers when the system reached the state.
   */
  reached(index: number, reachedAt: (startedAt: number, noticedAt: number) => number | undefined): void {
    const w = this.#waits.get(index);
    const part = w?.part === undefined ? undefined : this.#steps[w.part];
    if (!w || w.noticedAt === undefined || !part?.noticed) return;
    const at = reachedAt(w.startedAt, w.noticedAt);
    if (at !== undefined) this.#steps[w.part!] = { ...part, noticed: { ...part.noticed, sinceReachedMs: w.noticedAt - at } };
  }

  finish(): DemoTiming {
    this.#close();
    return { wallMs: performance.now() - this.#start.wall, ownMs: cpuMs() - this.#start.cpu, phases: [...this.#phases], steps: [...this.#steps] };
  }

  #close(): void {
    if (this.#phase.name === '') return;
    this.#phases.push({ name: this.#phase.name, wallMs: performance.now() - this.#phase.wall, ownMs: cpuMs() - this.#phase.cpu });
    this.#phase = { name: '', wall: 0, cpu: 0 };
  }
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;

/** One line for people: the whole, rewind's own share, and each phase as own/wall. */
export function describeTiming(t: DemoTiming): string {
  const parts = t.phases.map((p) => `${p.name} ${s(p.ownMs)}/${s(p.wallMs)}`).join(', ');
  return `time: ${s(t.wallMs)} in all, rewind's own (CPU) ${s(t.ownMs)}, the rest the sandbox's simulated time and the waits on it; own/wall by phase: ${parts}`;
}

/**
 * When Step 3b's awaited state was reached, from the sandbox's reached log: the later of the
 * moments since which the app has stayed "operation Succeeded on `revision`, Healthy" and the
 * workload has stayed rolled out, as of the moment rewind noticed (an app can read Healthy for
 * an instant after the sync and go Progressing until the rollout ends: only the last stretch
 * counts); undefined when either is not so at the notice or began before the step (nothing to
 * compare is not a measure).
 */
export function waitHealthyReachedAt(entries: readonly ReachedEntry[], want: { app: string; revision: string; workload: WorkloadRef }, startedAt: number, noticedAt: number): number | undefined {
  const upTo = entries.filter((e) => e.at <= noticedAt);
  const w = want.workload;
  const appSince = holdsSince(
    upTo.filter((e) => e.what === 'app' && e.app === want.app),
    (e) => e.what === 'app' && e.phase === 'Succeeded' && e.revision === want.revision && e.health === 'Healthy',
  );
  const rolledSince = holdsSince(
    upTo.filter((e) => e.what === 'workload' && e.cluster === w.cluster && e.kind === w.kind && e.namespace === w.namespace && e.name === w.name),
    (e) => e.what === 'workload' && e.rolledOut,
  );
  if (appSince === undefined || appSince < startedAt) return undefined;
  // A workload whose rollout state did not change during the wait (none logged) leaves the app's moment.
  return Math.max(appSince, rolledSince ?? 0);
}

/** The start of the last unbroken run of entries satisfying `ok`, if the last entry does. */
function holdsSince(entries: readonly ReachedEntry[], ok: (e: ReachedEntry) => boolean): number | undefined {
  let since: number | undefined;
  for (let i = entries.length - 1; i >= 0 && ok(entries[i]!); i--) since = entries[i]!.at;
  return since;
}

/**
 * Where a demo's time goes: for each phase and each step of the run, the wall time and rewind's
 * own time, i.e. this process's CPU time (process.cpuUsage: user + system). The sandbox runs in
 * its own process, so everything else in the wall time is the systems' time: the sandbox's
 * simulated rollout at the demo's speed, its HTTP answers, git, and the waits on them.
 */
import type { ProgressEvent } from '../executor/step-context.ts';

export interface TimedPart {
  readonly name: string;
  readonly wallMs: number;
  readonly ownMs: number;
  /** For a step that waited: how it noticed the state it waited for (`ms`: stream event to the end of the read that saw it). */
  readonly noticed?: { readonly via: 'stream' | 'poll' | 'first'; readonly ms?: number };
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

  /** Ends the current phase (if any) and starts `name`. */
  phase(name: string): void {
    this.#close();
    this.#phase = { name, wall: performance.now(), cpu: cpuMs() };
  }

  /** Wraps a progress listener to time each step between its start and end events. */
  steps(progress: (e: ProgressEvent) => void): (e: ProgressEvent) => void {
    return (e) => {
      if (e.kind === 'step-started') this.#step = { name: `${e.step} ${e.title}`, wall: performance.now(), cpu: cpuMs() };
      if (e.kind === 'noticed' && this.#step) this.#step.noticed = { via: e.via, ...(e.ms !== undefined ? { ms: e.ms } : {}) };
      if (e.kind === 'step-ended' && this.#step) {
        const { noticed } = this.#step;
        this.#steps.push({ name: this.#step.name, wallMs: performance.now() - this.#step.wall, ownMs: cpuMs() - this.#step.cpu, ...(noticed ? { noticed } : {}) });
        this.#step = undefined;
      }
      progress(e);
    };
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

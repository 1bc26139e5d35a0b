/**
 * The bench world's long past (`sandbox up --bench-history 1000 --bench-commits 5000`): about a
 * year of routine tuning commits before the default timeline's bootstrap moves back to its
 * start, so `bookstore-catalog-us-east` has `history` deploys and the repo `commits` commits.
 * They are real commits of the same `git fast-import` run; the last two weeks stay as in the
 * default world, so `sandbox break` and `rewind plan` see the same incident, only with more past.
 *
 * Every change is a knob in a region patch or base env (no new image versions: the kubelets'
 * registry knows only the builds in `images.ts`, and only the newest revisions are ever applied).
 */
import type { GitIdentity } from '../gitops/git.ts';
import { CI_BOT } from '../gitops/git.ts';
import { appName, type Region, type Service } from './bookstore.ts';
import type { World, WorldEvent } from './timeline.ts';

export const BENCH_APP = appName('catalog', 'us-east');

export interface BenchSize {
  /** History entries of `bookstore-catalog-us-east`, the current one included. */
  readonly history: number;
  /** Commits in the config repo. */
  readonly commits: number;
}

interface Knob {
  readonly service: Service;
  /** A region's patch, or the service's base env (both regions) when absent. */
  readonly region?: Region;
  readonly name: string;
  readonly base: number;
  readonly step: number;
}

/** Knobs of the bench app's overlay: every change to one is a deploy of `bookstore-catalog-us-east`. */
const BENCH_KNOBS: readonly Knob[] = [
  { service: 'catalog', region: 'us-east', name: 'SEARCH_TIMEOUT_MS', base: 500, step: 100 },
  { service: 'catalog', region: 'us-east', name: 'CACHE_WARM_BATCH', base: 200, step: 50 },
  { service: 'catalog', region: 'us-east', name: 'RATE_LIMIT_RPS', base: 800, step: 100 },
];

/** Knobs that never touch the bench app's overlay or its base. */
const OTHER_KNOBS: readonly Knob[] = [
  { service: 'catalog', region: 'eu-west', name: 'SEARCH_TIMEOUT_MS', base: 500, step: 100 },
  { service: 'orders', name: 'WORKER_THREADS', base: 4, step: 2 },
  { service: 'orders', region: 'us-east', name: 'RATE_LIMIT_RPS', base: 400, step: 50 },
  { service: 'orders', region: 'eu-west', name: 'RATE_LIMIT_RPS', base: 300, step: 50 },
  { service: 'payments', name: 'RETRY_BUDGET', base: 2, step: 1 },
  { service: 'payments', region: 'us-east', name: 'PROCESSOR_POOL_SIZE', base: 8, step: 4 },
  { service: 'payments', region: 'eu-west', name: 'PROCESSOR_POOL_SIZE', base: 8, step: 4 },
];

const ENGINEERS: readonly GitIdentity[] = [
  { name: 'Priya Raman', email: 'priya.raman@acme-books.example' },
  { name: 'Tomás Ortega', email: 'tomas.ortega@acme-books.example' },
  { name: 'Wen Li', email: 'wen.li@acme-books.example' },
  { name: 'Amara Okafor', email: 'amara.okafor@acme-books.example' },
  CI_BOT,
];

const M = 60_000;
/** One commit every ~100 minutes: 5,000 commits are about a year. */
const STEP_MS = 100 * M;

/** The `n`-th change of `knob` (0-based): consecutive changes always differ, so each is a real diff. */
function tune(knob: Knob, n: number, ago: number, author: GitIdentity): WorldEvent {
  const value = String(knob.base + knob.step * ((n % 7) + 1));
  const where = knob.region ? ` in ${knob.region}` : '';
  return {
    ago,
    author,
    message: `${knob.service}: tune ${knob.name} to ${value}${where}\n\nCapacity review CR-${1000 + n}.`,
    change: (w: World) => {
      const env = knob.region ? w[knob.service].regionEnv[knob.region] : w[knob.service].env;
      env[knob.name] = value;
    },
  };
}

/**
 * `deploys` changes of the bench app's overlay spread evenly among `commits` commits in all,
 * the newest `endAgo` before now; `startAgo` is where the bootstrap commit goes.
 */
export function benchPast(size: { deploys: number; commits: number; endAgo: number }): { events: WorldEvent[]; startAgo: number } {
  const deploys = Math.max(0, size.deploys);
  const total = Math.max(deploys, size.commits);
  const events: WorldEvent[] = [];
  const seen = new Map<Knob, number>();
  const next = (knob: Knob): number => {
    const n = seen.get(knob) ?? 0;
    seen.set(knob, n + 1);
    return n;
  };
  let mine = 0;
  let other = 0;
  for (let i = 0; i < total; i++) {
    // Deterministic jitter below one step keeps the dates in order.
    const ago = size.endAgo + (total - i) * STEP_MS + ((i * 7919) % 50) * M;
    const author = ENGINEERS[i % ENGINEERS.length]!;
    const isMine = Math.floor(((i + 1) * deploys) / total) > Math.floor((i * deploys) / total);
    const knob = isMine ? BENCH_KNOBS[mine++ % BENCH_KNOBS.length]! : OTHER_KNOBS[other++ % OTHER_KNOBS.length]!;
    events.push(tune(knob, next(knob), ago, author));
  }
  return { events, startAgo: size.endAgo + (total + 1) * STEP_MS };
}

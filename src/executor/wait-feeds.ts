/**
 * The watch streams a wait listens to, opened for one wait and closed after it: Argo CD's
 * application stream for the plan's app and a Kubernetes watch on its workload, when the adapters
 * offer them. They only wake the poll early (wait.ts); without them the wait is the same poll.
 */
import type { ChangeFeed } from '../core/change-feed.ts';
import type { WorkloadRef } from '../core/domain.ts';
import type { ClusterClient, GitOpsClient } from '../core/ports.ts';
import { pollUntil, type Noticed, type WaitContext } from './wait.ts';
import type { ProgressEvent } from './step-context.ts';

export interface Watched {
  readonly gitops?: { readonly client: GitOpsClient; readonly app: string };
  readonly cluster?: { readonly client: ClusterClient; readonly ref: WorkloadRef };
}

interface StepProgress {
  readonly index: number;
  readonly progress: (event: ProgressEvent) => void;
}

/**
 * The reads a check makes, one per watched system: `app` and `workload` return the last read's
 * answer when that system's stream has been live and quiet since that read began (a live watch
 * tells of every change, so the object is as read), and read again otherwise; so a wait woken by
 * the workload's watch reads only the workload. A read older than the poll interval is never
 * reused, and without a live stream every call reads.
 */
export interface FreshReads {
  app<T>(read: () => Promise<T>): Promise<T>;
  workload<T>(read: () => Promise<T>): Promise<T>;
}

/** One system's last read and the feed's count taken before it began. */
function reuseWhileQuiet(feed: ChangeFeed | undefined, maxAgeMs: number): <T>(read: () => Promise<T>) => Promise<T> {
  let last: { seen: number; at: number; value: unknown } | undefined;
  return async <T>(read: () => Promise<T>): Promise<T> => {
    if (feed?.live && last && feed.seen === last.seen && performance.now() - last.at < maxAgeMs) return last.value as T;
    const seen = feed?.seen ?? -1;
    const at = performance.now();
    last = undefined;
    const value = await read();
    // A stream that broke during the read may have missed a change: keep nothing.
    if (feed?.live) last = { seen, at, value };
    return value;
  };
}

/** `pollUntil` woken by the streams on what `check` reads; the streams close when the wait ends. */
export async function waitUntil(ctx: WaitContext & StepProgress, watched: Watched, check: (reads: FreshReads) => Promise<boolean>, intervalMs = 1000): Promise<boolean> {
  const feeds: ChangeFeed[] = [];
  try {
    const app = watched.gitops?.client.watchApplication?.(watched.gitops.app);
    if (app) feeds.push(app);
    const workload = watched.cluster?.client.watchWorkload?.(watched.cluster.ref);
    if (workload) feeds.push(workload);
    const reads: FreshReads = { app: reuseWhileQuiet(app, intervalMs), workload: reuseWhileQuiet(workload, intervalMs) };
    return await pollUntil(ctx, () => check(reads), intervalMs, feeds, (n: Noticed) => ctx.progress({ kind: 'noticed', step: ctx.index, ...n, atMs: Date.now() }));
  } finally {
    for (const f of feeds) f.close();
  }
}

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

/** `pollUntil` woken by the streams on what `check` reads; the streams close when the wait ends. */
export async function waitUntil(ctx: WaitContext & StepProgress, watched: Watched, check: () => Promise<boolean>, intervalMs = 1000): Promise<boolean> {
  const feeds: ChangeFeed[] = [];
  try {
    const app = watched.gitops?.client.watchApplication?.(watched.gitops.app);
    if (app) feeds.push(app);
    const workload = watched.cluster?.client.watchWorkload?.(watched.cluster.ref);
    if (workload) feeds.push(workload);
    return await pollUntil(ctx, check, intervalMs, feeds, (n: Noticed) => ctx.progress({ kind: 'noticed', step: ctx.index, ...n, atMs: Date.now() }));
  } finally {
    for (const f of feeds) f.close();
  }
}

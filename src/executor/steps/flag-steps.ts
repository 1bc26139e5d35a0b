import { RefusedError } from '../../core/errors.ts';
import * as flags from '../../core/steps/flag-steps.ts';
import { handle, StepOutcome, type StepContext } from '../step-context.ts';
import { pollUntil } from '../wait.ts';

async function storeFor(ctx: StepContext, key: string) {
  const found = ctx.flags ? await ctx.flags(key) : undefined;
  if (!found) throw new RefusedError(`flag ${key} is no longer declared for ${ctx.plan.app} in rewind.yaml (apps[].flags)`, { hint: 'declare it again, or abandon the run: rewind abandon RUN --reason TEXT --leave' });
  return found;
}

const describeState = (s: { on: boolean | null; defaultVariant: string | null; targeting: boolean }): string =>
  `${s.on === null ? 'unknown' : s.on ? 'on' : 'off'}${s.defaultVariant ? ` (default variant ${s.defaultVariant}${s.targeting ? ', with targeting' : ''})` : ''}`;

/** Turns the flag off at its source; idempotent (re-reads it first), so a resume after a crash is safe. */
export const flagOff = handle(flags.flagOff, async (params, ctx) => {
  const { flag, store } = await storeFor(ctx, params.key);
  const now = await store.read(flag);
  if (now.on === false && !now.targeting) return StepOutcome.skipped(`${params.key} is already off: ${describeState(now)} (${now.source})`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would turn ${params.key} off (now ${describeState(now)}, ${now.source})`);
  const w = await store.turnOff(flag, { runId: ctx.runId, message: `rewind: turn ${params.key} off\n\nThe kill switch for the incident on ${ctx.plan.app}; \`rewind flags restore ${ctx.runId}\` turns it back on.\n\nRewind-Run: ${ctx.runId}` });
  const after = await store.read(flag);
  if (after.on !== false || after.targeting) return StepOutcome.failed(`${params.key} still evaluates ${describeState(after)} at ${after.source} after turning it off`);
  return StepOutcome.succeeded(
    `turned ${params.key} off in ${w.where}${w.commit ? ` (commit ${w.commit.slice(0, 7)})` : ''}: was ${describeState(now)}, now ${describeState(after)} (${after.source})`,
    `previous definition (for rewind flags restore): ${params.previous}`,
  );
});

/** Waits until the workload's own source (the synced ConfigMap, Unleash's client API) evaluates it off. */
export const flagWaitApplied = handle(flags.flagWaitApplied, async (params, ctx) => {
  if (ctx.dryRun) return StepOutcome.skipped('dry run: nothing to wait for');
  const { flag, store } = await storeFor(ctx, params.key);
  // Argo CD polls git every few minutes unless a webhook tells it; a refresh makes it look at the
  // branch head now, and auto-sync then ships the flip (no sync by rewind: the policy stays the team's).
  if (params.provider === 'flagd') await ctx.gitops.getApplication(ctx.plan.app, { refresh: true });
  let last = '';
  const started = ctx.clock.now().getTime();
  // flagd: the ConfigMap's watch wakes the wait when Argo CD applies the flip. Unleash has no
  // stream: its SDKs poll the client API (unleash-client-node README: `refreshInterval`, default
  // 15000 ms), so a workload sees the flip only at its own next poll; this wait polls it each second.
  const feed = store.watchApplied?.(flag);
  let ok: boolean;
  try {
    ok = await pollUntil(
      ctx,
      async () => {
        const s = await store.applied(flag, { signal: ctx.signal });
        const was = last;
        last = `${describeState(s)} (${s.source})`;
        if (last !== was) ctx.progress({ kind: 'waiting', step: ctx.index, message: `${params.key}: ${last}` });
        return s.on === false && !s.targeting;
      },
      1000,
      feed ? [feed] : [],
      (n) => ctx.progress({ kind: 'noticed', step: ctx.index, ...n, atMs: Date.now() }),
    );
  } finally {
    feed?.close();
  }
  const seconds = Math.round((ctx.clock.now().getTime() - started) / 1000);
  if (!ok) return StepOutcome.failed(`${params.key} still evaluates ${last || 'unknown'} where the workload reads it`);
  const synced = params.provider === 'flagd' ? await ctx.gitops.getApplication(ctx.plan.app) : undefined;
  return StepOutcome.succeeded(
    `${params.key} evaluates off where the workload reads it after ${seconds} s: ${last}`,
    ...(synced ? [`argo cd: ${ctx.plan.app} ${synced.sync.status} at ${synced.sync.revision.slice(0, 7)}, auto-sync left as it was`] : []),
  );
});

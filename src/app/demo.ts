import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { AdapterError } from '../core/errors.ts';
import type { Plan } from '../core/plan.ts';
import type { MetricsFacts } from '../core/analysis/evidence.ts';
import type { RunResult } from '../executor/execute-plan.ts';
import type { ProgressEvent } from '../executor/step-context.ts';
import { rewindBin } from './rewind-bin.ts';
import { openAppContext, type AppOptions } from './app-context.ts';
import { planRollback } from './plan-service.ts';
import { executeRollback } from './rollback-service.ts';
import { findScenario } from './sandbox-host.ts';
import { appAlertNow, metricsEvidence, verifyNow } from './verify-service.ts';
import { UNDO_DEMOS } from './demo-undo.ts';
import { demoCleanup } from './demo-cleanup.ts';
import { DemoClock, waitHealthyReachedAt, type DemoTiming } from './demo-timing.ts';
import { REACHED_LOG, type ReachedEntry } from '../sandbox/reached-log.ts';

const bin = rewindBin();

export interface DemoOptions {
  /** A name (or alias) from the sandbox's scenario registry. */
  readonly scenario: string;
  readonly speed: number;
  readonly keep: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
  /** Narration for humans (stderr). */
  readonly say: (line: string) => void;
  readonly progress: (e: ProgressEvent) => void;
  readonly showPlan: (plan: Plan) => void;
}

/** One recovery check's value before the rollback and after the run (issue 12's proof in numbers). */
export interface DemoMetric {
  readonly name: string;
  readonly threshold: string;
  readonly before: readonly number[];
  readonly after: readonly number[];
}

export interface DemoResult {
  readonly dir: string;
  readonly app: string;
  readonly plan: Plan;
  readonly result: RunResult | undefined;
  /** The postmortem draft the demo wrote (Step 5), outside the sandbox folder so it outlives it. */
  readonly postmortem?: string;
  /** The app's recovery checks, before and after; empty when the sandbox serves no metrics for it. */
  readonly metrics: readonly DemoMetric[];
  /** Wall time and rewind's own (CPU) time by phase and by step (demo-timing.ts). */
  readonly timing?: DemoTiming;
}

/**
 * The alert fires by itself a minute or two of sandbox time after the deploy ([1m] window, `for:
 * 1m`): wait for it, bounded, so the plan correlates the deploy with its real `activeAt`. Each poll
 * is one read of the alerts (Prometheus has no stream; an alert changes state only when its rule
 * group is evaluated, so polling is what anything waiting on it does); the evidence, with its
 * queries, is gathered once it fires.
 */
async function waitForAlert(ctx: Awaited<ReturnType<typeof openAppContext>>, app: string, signal: AbortSignal, realMs: number): Promise<MetricsFacts> {
  const until = Date.now() + realMs;
  for (;;) {
    const now = await appAlertNow(ctx, app, signal);
    if (now.state !== 'none' || Date.now() > until) break;
    await pause(500, signal);
  }
  return metricsEvidence(ctx, app, { lookBackMinutes: 15, signal });
}

/**
 * The seed's incident, replayed: a sandbox on loopback (its own process, reached over HTTPS like
 * production), a bad image digest shipped by "CI", then rewind's plan and rollback through the
 * same adapters a real cluster gets.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const scenario = findScenario(opts.scenario);
  if (!scenario) throw new AdapterError('sandbox', 'demo', `unknown scenario "${opts.scenario}"`);
  const { app } = scenario;
  const dir = await mkdtemp(join(tmpdir(), 'rewind-demo-'));
  const cleanup = demoCleanup(dir, opts.signal, opts.keep);
  opts = { ...opts, signal: cleanup.signal };
  const started = Date.now();
  const clock = new DemoClock();
  try {
    clock.phase('sandbox up');
    opts.say(`starting the sandbox in ${dir} (speed x${opts.speed}) ...`);
    await rewindChild(['sandbox', 'up', '--detach', '--dir', dir, '--speed', String(opts.speed)], opts.env);
    opts.say(`sandbox ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    // The demo's journal lives and goes with its sandbox, never in the user's state directory.
    const global: AppOptions = { config: join(dir, 'rewind.yaml'), context: undefined, stateDir: join(dir, 'state') };
    const ctx = await openAppContext(global, opts.env, dir);
    const undoDemo = UNDO_DEMOS[scenario.name];
    if (undoDemo) {
      const r = await undoDemo({ ctx, dir, app, opts, breakApp: async (name) => void (await rewindChild(['sandbox', 'break', app, '--dir', dir, '--scenario', name], opts.env)) });
      await ctx.close();
      return { dir, app, ...r, metrics: [] };
    }
    clock.phase('incident deploys');
    const gitops = await ctx.gitops();
    const before = await gitops.getApplication(app);
    const lastId = before.history.at(-1)?.id ?? 0;
    opts.say(`incident (${scenario.name}): ${scenario.description}; CI ships it to ${app} ...`);
    await rewindChild(['sandbox', 'break', app, '--dir', dir, '--scenario', scenario.name], opts.env);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const now = await gitops.getApplication(app);
      const newest = now.history.at(-1);
      if (newest && newest.id > lastId && now.sync.status === 'Synced' && now.sync.revision === newest.revision) {
        opts.say(`deployed: history id ${newest.id}, revision ${newest.revision.slice(0, 7)}; the p99 alert fires`);
        break;
      }
      if (Date.now() > deadline) throw new AdapterError('sandbox', 'break', 'the bad revision did not sync within 2 minutes');
      await pause(250, opts.signal);
    }
    // Four minutes of sandbox time: a regression the alert catches has fired by then; a crash-loop has no traffic to alert on.
    clock.phase('alert fires');
    const firing = await waitForAlert(ctx, app, opts.signal, 240_000 / opts.speed);
    if (firing.alert) opts.say(`${firing.alert.name} is firing (active since ${firing.alert.activeAt ?? '?'}): ${firing.checks.map((c) => `${c.name} = ${c.values.map((v) => v.toPrecision(3)).join(', ')}`).join('; ')}`);
    // Without a firing alert (metrics not served), the deploy is correlated with "now".
    const alertAt = new Date(ctx.clock.now().getTime() + 1000).toISOString();
    clock.phase('plan');
    const { plan } = await planRollback(ctx, { app, alertAt });
    opts.showPlan(plan);
    if (plan.decision !== 'rollback') return { dir, app, plan, result: undefined, metrics: [] };
    clock.phase('rollback');
    const result = await executeRollback(
      ctx,
      { plan, reason: 'demo: p99 regression after deploy', timeoutMs: 5 * 60_000, signal: opts.signal, dryRun: false, progress: clock.steps(opts.progress) },
      opts.env,
    );
    clock.phase('verify');
    const after = await verifyNow(ctx, app, { signal: opts.signal });
    clock.phase('postmortem');
    const postmortem = await demoPostmortem(ctx, result.runId, opts.say);
    await ctx.close();
    const waitStep = plan.steps.findIndex((st) => st.kind === 'argocd.wait-healthy');
    const target = plan.to?.revision;
    if (waitStep >= 0 && target !== undefined) {
      const entries = await readReachedLog(dir);
      clock.reached(waitStep, (startedAt, noticedAt) => waitHealthyReachedAt(entries, { app, revision: target, workload: plan.workload }, startedAt, noticedAt));
    }
    const timing = clock.finish();
    const metrics = firing.checks.map((c) => ({ name: c.name, threshold: c.threshold, before: c.values, after: after.checks.find((a) => a.name === c.name)?.values ?? [] }));
    return { dir, app, plan, result, metrics, timing, ...(postmortem ? { postmortem } : {}) };
  } finally {
    await cleanup.done(() => rewindChild(['sandbox', 'down', '--dir', dir], opts.env));
  }
}

/** A poll's pause that an interrupted demo does not sit out (it rejects with the signal's reason). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return setTimeout(ms, undefined, { signal });
}

function rewindChild(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(out);
      else reject(new AdapterError('sandbox', args.slice(0, 2).join(' '), err.trim().split('\n').at(-1) ?? `exit ${code}`));
    });
  });
}

/** Step 5 for the demo's run; a draft that cannot be written is said, never fails the demo. */
async function demoPostmortem(ctx: Awaited<ReturnType<typeof openAppContext>>, runId: string, say: (line: string) => void): Promise<string | undefined> {
  const { writePostmortem } = await import('./postmortem-service.ts');
  try {
    return (await writePostmortem(ctx, runId, join(tmpdir(), 'rewind-postmortems'))).files.markdown;
  } catch (e) {
    say(`the postmortem draft could not be written: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** The sandbox's record of when it reached each state (sandbox/reached-log.ts); empty when it wrote none. */
async function readReachedLog(dir: string): Promise<ReachedEntry[]> {
  const text = await readFile(join(dir, REACHED_LOG), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ReachedEntry);
}

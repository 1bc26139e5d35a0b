/**
 * `rewind plan` against the seed's manual commands, on the same bench sandbox in the same run:
 * an app with 1,000 Argo CD history entries and a 5,000-commit config repo. The manual side is
 * what Steps 0-2 of the runbook run one after another (curl for Argo CD's API, as there is no
 * argocd CLI here; kubectl; git), each a process as a shell script would start it. The JSON is
 * read in-process where the seed pipes it through jq, so the manual side is a little flattered.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { SandboxState } from '../src/sandbox/state.ts';

const BIN = fileURLToPath(new URL('../bin/rewind.js', import.meta.url));
const APP = 'bookstore-catalog-us-east';
const NAMESPACE = 'bookstore-platform-acme-books';
const HISTORY = 1000;
const COMMITS = 5000;
const WARMUP = 2;
const RUNS = 15;
/** Any one command taking longer than this is a broken sandbox, not a figure. */
const COMMAND_TIMEOUT_MS = 60_000;

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (any exit code); rejects only when it cannot start or times out. */
function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { env, maxBuffer: 64 * 2 ** 20, timeout: COMMAND_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(new Error(`${cmd} ${args.join(' ')}: ${error.message}`));
      else resolve({ code: child.exitCode, stdout, stderr });
    });
  });
}

async function must(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await run(cmd, args, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** p50/p95 by nearest rank, in ms. */
function stats(ms: readonly number[]): { p50: number; p95: number; min: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  const r = (n: number) => Math.round(n * 10) / 10;
  return { p50: r(at(0.5)), p95: r(at(0.95)), min: r(s[0]!), max: r(s[s.length - 1]!) };
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function measure(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) out.push(await timed(fn));
  return out;
}

export async function benchPlan(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-bench-plan-'));
  const sandboxDir = join(dir, 'sandbox');
  let up = false;
  try {
    let t = performance.now();
    await must(process.execPath, [BIN, 'sandbox', 'up', '--detach', '--dir', sandboxDir, '--speed', '1', '--bench-history', String(HISTORY), '--bench-commits', String(COMMITS)]);
    up = true;
    const sandboxUpMs = performance.now() - t;
    const state = JSON.parse(await readFile(join(sandboxDir, 'state.json'), 'utf8')) as SandboxState;
    t = performance.now();
    await must(process.execPath, [BIN, 'sandbox', 'break', APP, '--dir', sandboxDir]);
    const breakMs = performance.now() - t;
    const token = (await readFile(state.files.argocdToken, 'utf8')).trim();
    const repo = state.configRepo.path;
    const env = { ...process.env, REWIND_CONFIG: state.files.rewindYaml, NO_COLOR: '1' };
    const commits = Number((await must('git', ['-C', repo, 'rev-list', '--count', state.configRepo.branch])).trim());

    // (a) rewind plan, as a user runs it: a whole process (node + tsx + gather + decide).
    let plan: { decision?: string; from?: { historyId?: number }; to?: { historyId?: number } } = {};
    const rewindPlan = async (): Promise<void> => {
      const r = await run(process.execPath, [BIN, 'plan', APP, '-o', 'json'], env);
      if (r.code !== 0 && r.code !== 1) throw new Error(`rewind plan exited ${r.code}: ${r.stderr.trim()}`);
      plan = JSON.parse(r.stdout) as typeof plan;
    };

    // (b) The seed's Steps 0-2, one process after another.
    const kube = ['--kubeconfig', state.files.kubeconfig, '--context', 'us-east', '-n', NAMESPACE, '--cache-dir', join(dir, 'kube-cache')];
    let historyLength = 0;
    const getApp = async () => {
      const body = await must('curl', ['-sSf', '--cacert', state.files.ca, '-H', `Authorization: Bearer ${token}`, `${state.urls.argocd}/api/v1/applications/${APP}`]);
      const app = JSON.parse(body) as { status: { sync: { revision: string }; history: { revision: string }[] } };
      historyLength = app.status.history.length;
      // As the seed: the entry before the current one (LAST_GOOD), and the synced revision (CURRENT).
      return { lastGood: app.status.history[app.status.history.length - 2]!.revision, current: app.status.sync.revision };
    };
    const perStep: Record<string, number[]> = {};
    const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const v = await fn();
      (perStep[name] ??= []).push(performance.now() - t0);
      return v;
    };
    const manual = async (): Promise<void> => {
      const { lastGood, current } = await step('curl app', getApp);
      await step('git diff migrations', () => must('git', ['-C', repo, 'diff', `${lastGood}..${current}`, '--', 'apps/*/migrations/*.sql']));
      await step('git show --stat', () => must('git', ['-C', repo, 'show', current, '--stat']));
      await step('kubectl deploy', () => must('kubectl', [...kube, 'get', 'deploy', 'catalog', '-o', 'jsonpath={.spec.template.spec.containers[*].image}']));
      await step('kubectl pods', () => must('kubectl', [...kube, 'get', 'pods', '-l', 'app=catalog', '-o', 'jsonpath={.items[*].status.containerStatuses[*].imageID}']));
    };

    // (c) rewind's gather + decide in this process: no node/tsx start-up, a fresh context each run.
    const { openAppContext } = await import('../src/app/app-context.ts');
    const { planRollback } = await import('../src/app/plan-service.ts');
    const inProcess = async (): Promise<void> => {
      const ctx = await openAppContext({ config: state.files.rewindYaml, context: undefined }, env, dir);
      try {
        await planRollback(ctx, { app: APP });
      } finally {
        await ctx.close();
      }
    };

    // Interleaved rounds, so drift in the machine's load hits both sides alike.
    for (let i = 0; i < WARMUP; i++) {
      await rewindPlan();
      await manual();
      await inProcess();
    }
    for (const k of Object.keys(perStep)) perStep[k] = [];
    const times = { rewind: [] as number[], manual: [] as number[], inProcess: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      times.rewind.push(await timed(rewindPlan));
      times.manual.push(await timed(manual));
      times.inProcess.push(await timed(inProcess));
    }
    const rssInProcessMb = Math.round(process.resourceUsage().maxRSS / 1024);

    // Peak RSS of the rewind process, from GNU time's wait4() figures, outside the timed runs.
    let rssRewindMb: number | null = null;
    if (existsSync('/usr/bin/time')) {
      const rss: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await run('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'plan', APP, '-o', 'json'], env);
        const kb = Number(r.stderr.trim().split('\n').pop());
        if (Number.isFinite(kb)) rss.push(kb);
      }
      if (rss.length) rssRewindMb = Math.round(Math.max(...rss) / 1024);
    }
    // Node's own start-up, for scale: what every `rewind` process pays before its first line runs.
    const nodeStart = stats(await measure(() => must(process.execPath, ['-e', ''])));
    const cliStart = stats(await measure(() => must(process.execPath, [BIN, '--version'], env)));

    const rewind = stats(times.rewind);
    const manualStats = stats(times.manual);
    const inProc = stats(times.inProcess);
    const out = {
      world: { app: APP, historyEntries: historyLength, commits, sandboxUpMs: Math.round(sandboxUpMs), breakMs: Math.round(breakMs) },
      plan: { decision: plan.decision, from: plan.from?.historyId, to: plan.to?.historyId },
      runs: RUNS,
      warmups: WARMUP,
      rewindPlanMs: rewind,
      manualMs: manualStats,
      manualStepsP50Ms: Object.fromEntries(Object.entries(perStep).map(([k, v]) => [k, stats(v).p50])),
      rewindInProcessMs: inProc,
      ratio: { p50: round(rewind.p50 / manualStats.p50), p95: round(rewind.p95 / manualStats.p95), inProcessP50: round(inProc.p50 / manualStats.p50) },
      nodeStartP50Ms: nodeStart.p50,
      rewindVersionP50Ms: cliStart.p50,
      rssRewindPlanMb: rssRewindMb,
      rssBenchProcessMb: rssInProcessMb,
    };
    const row = (name: string, x: ReturnType<typeof stats>) => `  ${name.padEnd(36)} p50 ${String(x.p50).padStart(7)} ms   p95 ${String(x.p95).padStart(7)} ms`;
    console.log(`plan: ${APP}, ${historyLength} history entries, ${commits} commits (bench sandbox up in ${Math.round(sandboxUpMs)} ms)`);
    console.log(`  decision ${plan.decision}: history ${plan.from?.historyId} -> ${plan.to?.historyId}; ${RUNS} runs after ${WARMUP} warm-ups`);
    console.log(row('rewind plan -o json (a process)', rewind));
    console.log(row('manual: curl, git x2, kubectl x2', manualStats));
    console.log(row('rewind gather+decide (in-process)', inProc));
    console.log(`  ratio rewind/manual: p50 ${out.ratio.p50}x, p95 ${out.ratio.p95}x (in-process p50 ${out.ratio.inProcessP50}x)`);
    console.log(`  manual steps p50: ${Object.entries(out.manualStepsP50Ms).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
    console.log(`  start-up p50: node -e '' ${nodeStart.p50} ms, rewind --version ${cliStart.p50} ms`);
    console.log(`  peak RSS: rewind plan ${rssRewindMb ?? 'n/a'} MB; this bench process (in-process runs) ${rssInProcessMb} MB`);
    return out;
  } finally {
    if (up) await run(process.execPath, [BIN, 'sandbox', 'down', '--dir', sandboxDir]).catch(() => undefined);
    await stopLeftover(sandboxDir);
    await rm(dir, { recursive: true, force: true });
  }
}

/** If `sandbox down` could not (or `up` died half-way), kill the pid its state file names. */
async function stopLeftover(sandboxDir: string): Promise<void> {
  const pid = await readFile(join(sandboxDir, 'state.json'), 'utf8').then((t) => (JSON.parse(t) as SandboxState).pid, () => undefined);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

if (import.meta.url === `file://${process.argv[1]}`) await benchPlan();

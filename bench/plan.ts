/**
 * `rewind plan APP -o json` as a process, side by side in one run with (a) the same facts by the
 * raw commands an engineer would type, one after another as the runbook runs them, and (b) a
 * no-library floor: one node process doing the same HTTPS reads and git commands all in parallel.
 * Then the plan in-process at 1,001 and 10,001 history entries (the bench world,
 * src/sandbox/world/bench-past.ts), where the history work shows.
 *
 * The raw sequence asks for what a plan reads (issue 19: it "grows with the facts plan gathers"):
 * the Application with `?refresh=normal` (as `argocd app get --refresh`) and its resource tree;
 * `git fetch` in a clone of the config repo, then git x5; the Deployment, its Pods and its
 * ReplicaSets (`kubectl rollout history`); Prometheus' alerts, the verification query now and its
 * last hour (promtool's instant and range queries).
 */
import { execFile } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { SandboxState } from '../src/sandbox/state.ts';
import { interleaved, ratio, show, type Summary } from './stats.ts';

const BIN = fileURLToPath(new URL('../bin/rewind.js', import.meta.url));
const HOT_DIR = fileURLToPath(new URL('../dist/hot', import.meta.url));
/** Another build of rewind (e.g. main before a change), run as one more side: before/after in one run. */
export const BEFORE_BIN = process.env['REWIND_BENCH_BEFORE'];
const APP = 'bookstore-catalog-us-east';
const NAMESPACE = 'bookstore-platform-acme-books';
const RUNS = 9;
const COMMAND_TIMEOUT_MS = 120_000;

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { env, maxBuffer: 64 * 2 ** 20, timeout: COMMAND_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(new Error(`${cmd} ${args.join(' ')}: ${error.message}`));
      else resolve({ code: child.exitCode, stdout, stderr });
    });
  });
}

export async function must(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await run(cmd, args, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** A detached bench sandbox of `bin`'s build (this one's by default) in a temporary folder; `stop` removes every trace of it. */
export async function benchSandbox(args: readonly string[], bin = BIN): Promise<{ state: SandboxState; dir: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-bench-'));
  const sandboxDir = join(dir, 'sandbox');
  const stop = async () => {
    await run(process.execPath, [bin, 'sandbox', 'down', '--dir', sandboxDir]).catch(() => undefined);
    const pid = await readFile(join(sandboxDir, 'state.json'), 'utf8').then((t) => (JSON.parse(t) as SandboxState).pid, () => undefined);
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await must(process.execPath, [bin, 'sandbox', 'up', '--detach', '--dir', sandboxDir, ...args]);
    const state = JSON.parse(await readFile(join(sandboxDir, 'state.json'), 'utf8')) as SandboxState;
    return { state, dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The seed app's verification query (its AnalysisTemplate in the sandbox's config repo), as a plan asks it. */
const P99 = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="catalog",cluster="us-east"}[5m])))';

/** The no-library floor: node, the HTTPS reads and git commands of the raw sequence, all at once. */
const FLOOR = `
import { request } from 'node:https';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
const e = process.env;
const ca = readFileSync(e.B_CA);
const get = (url, token) => new Promise((ok, fail) => {
  const req = request(url, { ca, headers: { authorization: 'Bearer ' + token } }, (res) => {
    const chunks = []; res.on('data', (c) => chunks.push(c)); res.on('end', () => res.statusCode === 200 ? ok(JSON.parse(Buffer.concat(chunks).toString())) : fail(new Error(url + ' ' + res.statusCode)));
  });
  req.on('error', fail); req.end();
});
const git = (...a) => new Promise((ok, fail) => execFile('git', ['-C', e.B_REPO, ...a], (err, out) => err ? fail(err) : ok(out)));
const [from, to] = JSON.parse(e.B_REVS);
const end = Math.floor(Date.now() / 1000);
const q = encodeURIComponent(e.B_P99);
await Promise.all([
  get(e.B_ARGO + '/api/v1/applications/' + e.B_APP + '?refresh=normal', e.B_ARGO_TOKEN),
  get(e.B_ARGO + '/api/v1/applications/' + e.B_APP + '/resource-tree', e.B_ARGO_TOKEN),
  get(e.B_KUBE + '/apis/apps/v1/namespaces/' + e.B_NS + '/deployments/catalog', e.B_KUBE_TOKEN),
  get(e.B_KUBE + '/api/v1/namespaces/' + e.B_NS + '/pods?labelSelector=app%3Dcatalog', e.B_KUBE_TOKEN),
  get(e.B_KUBE + '/apis/apps/v1/namespaces/' + e.B_NS + '/replicasets?labelSelector=app%3Dcatalog', e.B_KUBE_TOKEN),
  get(e.B_PROM + '/api/v1/alerts', e.B_PROM_TOKEN),
  get(e.B_PROM + '/api/v1/query?query=' + q, e.B_PROM_TOKEN),
  get(e.B_PROM + '/api/v1/query_range?query=' + q + '&start=' + (end - 3600) + '&end=' + end + '&step=15', e.B_PROM_TOKEN),
  new Promise((ok, fail) => execFile('git', ['-C', e.B_CLONE, 'fetch', '--quiet', '--prune', '--all'], (err) => err ? fail(err) : ok())),
  git('diff', '--name-status', from, to),
  git('diff', from, to, '--', 'apps/*/migrations/*.sql'),
  git('log', '--format=%H %s', from + '..' + to),
  git('cat-file', 'blob', from + ':apps/catalog/us-east/kustomization.yaml'),
  git('cat-file', 'blob', to + ':apps/catalog/us-east/kustomization.yaml'),
]);
`;

async function peakRssMb(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const rss: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await run('/usr/bin/time', ['-f', '%M', ...args], env);
    rss.push(Number(r.stderr.trim().split('\n').pop()) / 1024);
  }
  return Math.round(Math.max(...rss));
}

export interface PlanFigures {
  readonly historyEntries: number;
  readonly decision: string | undefined;
  readonly rewindMs: Summary;
  /** With no code cache for the hot script: the first plan after a build. */
  readonly rewindFirstMs?: Summary;
  readonly rawMs: Summary;
  readonly floorMs: Summary;
  readonly inProcessMs: Summary;
  readonly nodeStartMs: Summary;
  readonly ratioRaw: number | undefined;
  readonly ratioFloor: number | undefined;
  readonly rewindPeakRssMb: number;
  readonly beforeMs?: Summary;
  readonly beforePeakRssMb?: number;
}

async function planFigures(history: number): Promise<PlanFigures> {
  const sb = await benchSandbox(['--speed', '1', '--bench-history', String(history), '--bench-commits', '2000']);
  try {
    const { state, dir } = sb;
    await must(process.execPath, [BIN, 'sandbox', 'break', APP, '--dir', join(dir, 'sandbox')]);
    const argoToken = (await readFile(state.files.argocdToken, 'utf8')).trim();
    const kubeconfig = parse(await readFile(state.files.kubeconfig, 'utf8')) as { clusters: { name: string; cluster: { server: string } }[]; users: { user: { token: string } }[] };
    const kubeServer = kubeconfig.clusters.find((c) => c.name === 'us-east')!.cluster.server;
    const repo = state.configRepo.path;
    const env = { ...process.env, REWIND_CONFIG: state.files.rewindYaml, NO_COLOR: '1' };
    const appJson = JSON.parse(await must('curl', ['-sSf', '--cacert', state.files.ca, '-H', `Authorization: Bearer ${argoToken}`, `${state.urls.argocd}/api/v1/applications/${APP}`])) as {
      status: { history: { revision: string }[] };
    };
    const historyEntries = appJson.status.history.length;
    const revs = appJson.status.history.slice(-2).map((h) => h.revision);
    let decision: string | undefined;
    // Each build keeps its own state directory: its config cache (config-cache.ts) is keyed by the
    // build, and two builds taking turns with one cache would each find the other's and parse again.
    const envOf = (bin: string) => ({ ...env, REWIND_STATE_DIR: join(dir, bin === BIN ? 'state' : 'state-before') });
    const planWith = (bin: string) => async () => {
      const r = await run(process.execPath, [bin, 'plan', APP, '-o', 'json'], envOf(bin));
      if (r.code !== 0 && r.code !== 1) throw new Error(`rewind plan exited ${r.code}: ${r.stderr.trim()}`);
      decision = (JSON.parse(r.stdout) as { decision?: string }).decision;
    };
    const rewind = planWith(BIN);
    const curl = (path: string) => must('curl', ['-sSf', '--cacert', state.files.ca, '-H', `Authorization: Bearer ${argoToken}`, `${state.urls.argocd}${path}`]);
    const kube = ['--kubeconfig', state.files.kubeconfig, '--context', 'us-east', '-n', NAMESPACE, '--cache-dir', join(dir, 'kube-cache')];
    const { prometheusToken } = state.files;
    const promUrl = state.urls.prometheus;
    if (!prometheusToken || !promUrl) throw new Error('the bench sandbox serves no Prometheus: a plan reads its metrics, so the raw sequence must too');
    const promToken = (await readFile(prometheusToken, 'utf8')).trim();
    const prom = (path: string) => must('curl', ['-sSf', '--cacert', state.files.ca, '-H', `Authorization: Bearer ${promToken}`, `${promUrl}${path}`]);
    const clone = join(dir, 'raw-clone');
    await must('git', ['clone', '--quiet', repo, clone]);
    const raw = async () => {
      const app = JSON.parse(await curl(`/api/v1/applications/${APP}?refresh=normal`)) as { status: { history: { revision: string }[] } };
      const [from, to] = app.status.history.slice(-2).map((h) => h.revision) as [string, string];
      await curl(`/api/v1/applications/${APP}/resource-tree`);
      await must('git', ['-C', clone, 'fetch', '--quiet', '--prune', '--all']);
      await must('git', ['-C', repo, 'diff', '--name-status', from, to]);
      await must('git', ['-C', repo, 'diff', from, to, '--', 'apps/*/migrations/*.sql']);
      await must('git', ['-C', repo, 'log', '--format=%H %s', `${from}..${to}`]);
      await must('git', ['-C', repo, 'cat-file', 'blob', `${from}:apps/catalog/us-east/kustomization.yaml`]);
      await must('git', ['-C', repo, 'cat-file', 'blob', `${to}:apps/catalog/us-east/kustomization.yaml`]);
      await must('kubectl', [...kube, 'get', 'deploy', 'catalog', '-o', 'jsonpath={.spec.template.spec.containers[*].image}']);
      await must('kubectl', [...kube, 'get', 'pods', '-l', 'app=catalog', '-o', 'jsonpath={.items[*].status.containerStatuses[*].imageID}']);
      await must('kubectl', [...kube, 'rollout', 'history', 'deployment/catalog']);
      const end = Math.floor(Date.now() / 1000);
      await prom('/api/v1/alerts');
      await prom(`/api/v1/query?query=${encodeURIComponent(P99)}`);
      await prom(`/api/v1/query_range?query=${encodeURIComponent(P99)}&start=${end - 3600}&end=${end}&step=15`);
    };
    const floorEnv = {
      ...process.env,
      B_CA: state.files.ca,
      B_REPO: repo,
      B_ARGO: state.urls.argocd,
      B_ARGO_TOKEN: argoToken,
      B_KUBE: kubeServer,
      B_KUBE_TOKEN: kubeconfig.users[0]!.user.token,
      B_NS: NAMESPACE,
      B_APP: APP,
      B_REVS: JSON.stringify(revs),
      B_PROM: promUrl,
      B_PROM_TOKEN: promToken,
      B_P99: P99,
      B_CLONE: clone,
    };
    const floor = () => must(process.execPath, ['--input-type=module', '-e', FLOOR], floorEnv);
    const nodeStart = () => must(process.execPath, ['-e', '']);
    const { openAppContext } = await import('../src/app/app-context.ts');
    const { planRollback } = await import('../src/app/plan-service.ts');
    const inProcess = async () => {
      const ctx = await openAppContext({ config: state.files.rewindYaml, context: undefined }, env, dir);
      try {
        await planRollback(ctx, { app: APP });
      } finally {
        await ctx.close();
      }
    };
    // The first plan after a build (or on another Node) has no code cache for its hot script yet:
    // it compiles and writes one (bin/rewind.js), so the next plan of the \`rewind\` side has one again.
    const rewindFirst = async () => {
      for (const f of readdirSync(HOT_DIR).filter((n) => n.endsWith('.v8-cache'))) rmSync(join(HOT_DIR, f), { force: true });
      await rewind();
    };
    const sides: Record<string, () => Promise<unknown>> = { rewind, rewindFirst, raw, floor, inProcess, nodeStart };
    if (BEFORE_BIN) sides['before'] = planWith(BEFORE_BIN);
    const t = (await interleaved(sides, RUNS)) as Record<'rewind' | 'rewindFirst' | 'raw' | 'floor' | 'inProcess' | 'nodeStart', Summary> & { before?: Summary };
    const rewindPeakRssMb = await peakRssMb([process.execPath, BIN, 'plan', APP, '-o', 'json'], envOf(BIN));
    const before = BEFORE_BIN && t.before ? { beforeMs: t.before, beforePeakRssMb: await peakRssMb([process.execPath, BEFORE_BIN, 'plan', APP, '-o', 'json'], envOf(BEFORE_BIN)) } : {};
    return {
      historyEntries,
      decision,
      rewindMs: t.rewind,
      rewindFirstMs: t.rewindFirst,
      rawMs: t.raw,
      floorMs: t.floor,
      inProcessMs: t.inProcess,
      nodeStartMs: t.nodeStart,
      ratioRaw: ratio(t.rewind, t.raw),
      ratioFloor: ratio(t.rewind, t.floor),
      rewindPeakRssMb,
      ...before,
    };
  } finally {
    await sb.stop();
  }
}

export async function benchPlan(): Promise<Record<string, unknown>> {
  const out: Record<string, PlanFigures> = {};
  for (const history of [1000, 10_000]) {
    const f = await planFigures(history);
    out[`history${f.historyEntries}`] = f;
    console.log(`plan ${APP} at ${f.historyEntries} history entries (decision ${f.decision}), ${RUNS} interleaved runs:`);
    console.log(`  rewind plan -o json (process)          ${show(f.rewindMs)}, peak RSS ${f.rewindPeakRssMb} MB`);
    if (f.rewindFirstMs) console.log(`  first plan after a build (no code cache) ${show(f.rewindFirstMs)}`);
    console.log(`  raw: curl x5, git x6, kubectl x3      ${show(f.rawMs)}   rewind/raw ${f.ratioRaw ?? 'n/a'}x`);
    console.log(`  floor: node, HTTPS x8 + git x6 at once ${show(f.floorMs)}   rewind/floor ${f.ratioFloor ?? 'n/a'}x`);
    console.log(`  rewind gather+decide in-process        ${show(f.inProcessMs)}`);
    console.log(`  node -e '' (start-up, for scale)       ${show(f.nodeStartMs)}`);
    if (f.beforeMs) console.log(`  before (${BEFORE_BIN}) ${show(f.beforeMs)}, peak RSS ${f.beforePeakRssMb} MB`);
  }
  return out;
}

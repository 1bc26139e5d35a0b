/**
 * Issue 13 end to end, through the CLI against the sandbox over HTTPS: the undo path when Argo
 * CD's API server is down while its application controller keeps reconciling and self-healing.
 * First the harshness (a plain `kubectl rollout undo` is put back by self-heal with the API down),
 * then rewind: Argo CD's rollback rejected ("Argo CD API unreachable"), self-heal held by patching
 * the Application CR through the Kubernetes API, the undo, the Pods back on the good digest and
 * staying there while the controller reconciles, the revert pushed (for review: main is
 * protected), and, with the API back, `finish` giving auto-sync back through the API.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind } from './cli.ts';
import { until } from '../../src/testing/until.ts';

const NS = 'bookstore-platform-acme-books';
const CATALOG = 'bookstore-catalog-us-east';
const run = promisify(execFile);

interface DeploymentJson {
  metadata: { generation: number };
  spec: { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } };
  status: { observedGeneration: number; updatedReplicas?: number; availableReplicas?: number; replicas?: number };
}
interface ApplicationJson {
  metadata: { annotations?: Record<string, string> };
  spec: { syncPolicy?: { automated?: { enabled?: boolean; selfHeal?: boolean } } };
  status: { reconciledAt?: string; sync: { status: string } };
}
interface StepJson { kind: string; status: string; title: string; evidence: string[] }
interface RunJson { status: string; runStatus: string; mechanism: string; rejected: { mechanism: string; reason: string }[]; steps: StepJson[] }
interface PlanJson { decision: string; mechanism: string; reasons: string[]; rejected: { mechanism: string; reason: string }[]; steps: StepJson[] }
interface StatusJson { sync: string; hold: unknown; syncPolicy: { automated: { selfHeal: boolean; enabled?: boolean } | null } }
const parse = <T>(text: string): T => JSON.parse(text) as T;
const step = (doc: { steps: StepJson[] }, kind: string): StepJson => {
  const s = doc.steps.find((x) => x.kind === kind);
  assert.ok(s, `no ${kind} step`);
  return s;
};

let sb: SandboxProcess;
const cli = (args: readonly string[]) => rewind(args, { env: { REWIND_CONFIG: sb.configFile } });
const kubectl = async (...args: string[]): Promise<string> => (await run('kubectl', ['--kubeconfig', sb.kubeconfig, '--context', 'us-east', ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: sb.dir } })).stdout;
const deployment = async (): Promise<DeploymentJson> => parse<DeploymentJson>(await kubectl('-n', NS, 'get', 'deployment', 'catalog', '-o', 'json'));
const imageOf = (d: DeploymentJson): string => d.spec.template.spec.containers.find((c) => c.name === 'catalog')?.image ?? '';
/** The Application as the Kubernetes API of the cluster Argo CD runs in serves it (the CR). */
const applicationCr = async (): Promise<ApplicationJson> => parse<ApplicationJson>(await kubectl('-n', 'argocd', 'get', 'application', CATALOG, '-o', 'json'));
const rolledOut = (d: DeploymentJson): boolean => d.status.observedGeneration >= d.metadata.generation && d.status.updatedReplicas === d.spec.replicas && d.status.availableReplicas === d.spec.replicas && d.status.replicas === d.spec.replicas;
/** A POST to the sandbox's own routes (faults, forge), which stay up while Argo CD's API is down. */
const sandboxPost = (path: string, body: unknown): Promise<{ status: number; body: unknown }> =>
  new Promise((resolve, reject) => {
    const req = request(new URL(path, sb.argocdUrl), { method: 'POST', ca: sb.ca, headers: { Authorization: `Bearer ${sb.token}`, 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
/** Argo CD's own API (not the sandbox's routes): resolves with the status, or the connection error. */
const argocdGet = (path: string): Promise<string> =>
  new Promise((resolve) => {
    const req = request(new URL(path, sb.argocdUrl), { ca: sb.ca, agent: false, headers: { Authorization: `Bearer ${sb.token}` } }, (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode ?? 0}`);
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
const fault = async (name: string): Promise<void> => assert.equal((await sandboxPost('/api/sandbox/v1/fault', { fault: name })).status, 200);

before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

describe('Argo CD\'s API server down while its controller keeps self-healing', () => {
  let good = '';
  let bad = '';

  test('the harshness: with the API down, a plain kubectl rollout undo is put back by self-heal', async () => {
    good = imageOf(await deployment());
    const brk = await cli(['sandbox', 'break', CATALOG, '--dir', sb.dir, '-o', 'json']);
    assert.equal(brk.code, 0, brk.stderr);
    bad = parse<{ revision: string }>(brk.stdout).revision;
    const badImage = await until('the bad digest rolled out', async () => {
      const d = await deployment();
      return imageOf(d) !== good && rolledOut(d) && imageOf(d);
    });
    await fault('argocd-api-down');
    assert.match(await argocdGet(`/api/v1/applications/${CATALOG}`), /ECONNRESET|socket hang up/, 'Argo CD\'s API drops the connection');
    assert.equal((await applicationCr()).spec.syncPolicy?.automated?.selfHeal, true, 'the CR still answers, self-heal on');
    const before = (await deployment()).metadata.generation;
    assert.match(await kubectl('-n', NS, 'rollout', 'undo', 'deployment/catalog'), /rolled back/);
    // The generations say both happened: the undo's, then self-heal's (its first attempt is immediate).
    await until('self-heal to put the bad digest back over the undo, with the API down', async () => {
      const d = await deployment();
      return imageOf(d) === badImage && d.metadata.generation >= before + 2;
    });
  });

  test('rewind plans the undo through the CR and says why Argo CD\'s rollback was rejected', async () => {
    const r = await cli(['plan', CATALOG, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const plan = parse<PlanJson>(r.stdout);
    assert.equal(plan.decision, 'rollback');
    assert.equal(plan.mechanism, 'rollout-undo');
    assert.match(plan.rejected.find((x) => x.mechanism === 'argocd-rollback')?.reason ?? '', /^Argo CD API unreachable: /);
    assert.match(plan.reasons[0] ?? '', /The Application CR answers \(kubernetes GET us-east: applications\.argoproj\.io\/bookstore-catalog-us-east -n argocd\)/);
    assert.match(step(plan, 'argocd.disable-auto-sync').title, /through the Application CR/);
    assert.ok(plan.steps.some((s) => s.kind === 'followup.revert'), 'the revert of the bad commit is planned without the API');
  });

  test('rollback --yes: self-heal off through the CR, undo, the good digest stays while the controller reconciles, revert sent', async () => {
    assert.equal((await sandboxPost('/api/sandbox/v1/protect', { branch: 'main', protected: true })).status, 200);
    try {
      const r = await cli(['rollback', CATALOG, '--yes', '--reason', 'p99 with Argo CD down', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const result = parse<RunJson>(r.stdout);
      assert.equal(result.mechanism, 'rollout-undo');
      assert.equal(result.runStatus, 'awaiting-revert', JSON.stringify(result.steps.map((s) => [s.kind, s.status])));
      for (const kind of ['argocd.write-hold', 'argocd.disable-auto-sync', 'kube.rollout-undo', 'kube.wait-rollout', 'verify.digest']) assert.equal(step(result, kind).status, 'succeeded', kind);
      const revert = step(result, 'followup.revert');
      assert.match(revert.evidence.join(' '), /for review: main refused the push/);
      const cr = await applicationCr();
      assert.equal(cr.spec.syncPolicy?.automated?.enabled, false, 'auto-sync is off in the CR');
      assert.ok(cr.metadata.annotations?.['rewind.io/hold'], 'the hold is on the CR');
      assert.equal(imageOf(await deployment()), good);

      // Staying: the controller has reconciled (twice) since the undo, and the good digest is still there.
      const since = cr.status.reconciledAt ?? '';
      const generation = (await deployment()).metadata.generation;
      await until('the application controller to reconcile after the undo', async () => {
        const now = (await applicationCr()).status.reconciledAt ?? '';
        return now > since && now;
      });
      const seen = (await applicationCr()).status.reconciledAt ?? '';
      await until('a second reconcile', async () => ((await applicationCr()).status.reconciledAt ?? '') > seen);
      const d = await deployment();
      assert.equal(imageOf(d), good, 'the undo stuck while the controller kept running');
      assert.equal(d.metadata.generation, generation, 'nothing rewrote the Deployment');
      assert.equal((await applicationCr()).status.sync.status, 'OutOfSync', 'Argo CD sees the drift and leaves it');
      assert.match(await argocdGet(`/api/v1/applications/${CATALOG}`), /ECONNRESET|socket hang up/, 'the API was down all along');

      // The review is merged; the API comes back; finish gives auto-sync back.
      const branch = /rewind\/revert-[\w.-]+/.exec(revert.evidence.join(' '))?.[0];
      assert.ok(branch);
      assert.equal((await sandboxPost('/api/sandbox/v1/merge', { branch })).status, 200);
      // Every commit main gained since the bad one, not the newest few: the sandbox dates its own commits
      // on its fast clock, ahead of the revert's, so by date the revert can sort below them.
      const log = (await run('git', ['--git-dir', sb.configRepo.path, 'log', '--format=%B', `${bad}..main`])).stdout;
      assert.match(log, new RegExp(`This reverts commit ${bad}`));
    } finally {
      await sandboxPost('/api/sandbox/v1/protect', { branch: 'main', protected: false });
    }
    await fault('argocd-api-up');
    const done = await cli(['finish', CATALOG, '-o', 'json']);
    assert.equal(done.code, 0, done.stderr + done.stdout);
    assert.equal(parse<RunJson>(done.stdout).runStatus, 'finished');
    const status = parse<StatusJson>((await cli(['status', CATALOG, '-o', 'json'])).stdout);
    assert.equal(status.syncPolicy.automated?.selfHeal, true, 'auto-sync and self-heal are back');
    assert.notEqual(status.syncPolicy.automated?.enabled, false);
    assert.equal(status.hold, null);
    assert.equal(imageOf(await deployment()), good);
  });

  test('with the API still down, finish gives auto-sync back through the CR', async () => {
    const brk = await cli(['sandbox', 'break', CATALOG, '--dir', sb.dir, '-o', 'json']);
    assert.equal(brk.code, 0, brk.stderr);
    await until('the second bad digest rolled out', async () => {
      const d = await deployment();
      return imageOf(d) !== good && rolledOut(d);
    });
    await fault('argocd-api-down');
    assert.equal((await sandboxPost('/api/sandbox/v1/protect', { branch: 'main', protected: true })).status, 200);
    let branch: string | undefined;
    try {
      const r = await cli(['rollback', CATALOG, '--yes', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const result = parse<RunJson>(r.stdout);
      assert.equal(result.runStatus, 'awaiting-revert');
      branch = /rewind\/revert-[\w.-]+/.exec(step(result, 'followup.revert').evidence.join(' '))?.[0];
    } finally {
      await sandboxPost('/api/sandbox/v1/protect', { branch: 'main', protected: false });
    }
    assert.ok(branch);
    assert.equal((await sandboxPost('/api/sandbox/v1/merge', { branch })).status, 200);
    const done = await cli(['finish', CATALOG, '-o', 'json']);
    assert.equal(done.code, 0, done.stderr + done.stdout);
    assert.equal(parse<RunJson>(done.stdout).runStatus, 'finished');
    const cr = await applicationCr();
    assert.notEqual(cr.spec.syncPolicy?.automated?.enabled, false, 'auto-sync is back, written on the CR');
    assert.equal(cr.spec.syncPolicy?.automated?.selfHeal, true);
    assert.equal(cr.metadata.annotations?.['rewind.io/hold'], undefined, 'the hold is released on the CR');
    assert.match(await argocdGet(`/api/v1/applications/${CATALOG}`), /ECONNRESET|socket hang up/, 'the API never came back');
    await fault('argocd-api-up');
    assert.equal(imageOf(await deployment()), good);
  });
});

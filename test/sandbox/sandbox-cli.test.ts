import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind } from '../e2e/cli.ts';

let sb: SandboxProcess;
let empty: string;
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
  empty = await mkdtemp(join(tmpdir(), 'rewind-nosandbox-'));
});
after(async () => {
  await sb?.stop();
  await rm(empty, { recursive: true, force: true });
});

test('writes kubeconfig, a 0600 token, the CA, a 0600 docker config.json and a rewind.yaml in the config shape', async () => {
  assert.equal((await stat(join(sb.dir, 'argocd-token'))).mode & 0o777, 0o600);
  assert.equal((await stat(join(sb.dir, 'docker-config.json'))).mode & 0o777, 0o600);
  const docker = JSON.parse(await readFile(join(sb.dir, 'docker-config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
  assert.match(Buffer.from(docker.auths['ghcr.io']?.auth ?? '', 'base64').toString(), /^rewind-ci-reader:[0-9a-f]{36}$/);
  const kc = parse(await readFile(sb.kubeconfig, 'utf8'));
  assert.equal(kc['current-context'], 'us-east');
  assert.deepEqual(kc.contexts.map((c: { name: string }) => c.name), ['us-east', 'eu-west']);
  assert.ok(kc.clusters[0].cluster['certificate-authority-data']);
  assert.equal(kc.clusters[0].cluster['insecure-skip-tls-verify'], undefined);
  const cfg = parse(await readFile(sb.configFile, 'utf8'));
  assert.equal(cfg.argocd.url, sb.argocdUrl);
  assert.equal(cfg.argocd.tokenFile, './argocd-token');
  assert.equal(cfg.configRepo.path, './ops-config-repo', 'the operator\'s clone, whose origin is the repo Argo CD tracks');
  assert.deepEqual(cfg.registries, [{ host: 'ghcr.io', url: sb.state.urls.registry, caFile: './ca.crt' }]);
  assert.equal(cfg.dockerConfig, './docker-config.json');
  assert.equal(cfg.apps.length, 10, 'six Bookstore apps, the catalog canary (a Rollout), search (no Argo CD), the search indexer (a Rollout no Argo CD manages) and its eu-west twin Argo CD deploys');
  assert.deepEqual(cfg.apps.find((a: { name: string }) => a.name === 'bookstore-search-indexer-eu-west'), { name: 'bookstore-search-indexer-eu-west', cluster: 'eu-west', namespace: 'bookstore-platform-acme-books', workload: { kind: 'Rollout', name: 'search-indexer' }, repoPath: 'apps/search-indexer/eu-west', severity: 'P2' });
  // The catalog canary app names its Argo Rollout as its workload.
  assert.deepEqual(cfg.apps.find((a: { name: string }) => a.name === 'bookstore-catalog-canary-us-east')?.workload, { kind: 'Rollout', name: 'catalog-canary' });
  assert.deepEqual(cfg.apps.find((a: { name: string }) => a.name === 'bookstore-search-us-east'), { name: 'bookstore-search-us-east', cluster: 'us-east', namespace: 'bookstore-platform-acme-books', workload: { kind: 'Deployment', name: 'search' }, gitops: 'none', severity: 'P2' });
  assert.deepEqual(cfg.apps[0], {
    name: 'bookstore-catalog-us-east',
    cluster: 'us-east',
    namespace: 'bookstore-platform-acme-books',
    workload: { kind: 'Deployment', name: 'catalog' },
    repoPath: 'apps/catalog/us-east',
    migrations: 'apps/catalog/migrations/*.sql',
    severity: 'P1',
    slackChannel: '#bookstore-platform-status',
    // Issue 14: the flag its Pods evaluate from the ConfigMap the overlay generates.
    flags: [{ key: 'catalog.new-search', provider: 'flagd', gates: ['key:SEARCH_BACKEND'], flagd: { file: 'apps/catalog/us-east/flags.flagd.json', configMap: 'catalog-flags' } }],
    // Issue 15: its database by reference, a 0600 file the sandbox writes, never the URL.
    database: { urlFile: './db/bookstore-catalog-us-east.url' },
  });
});

test('a second sandbox up on the same folder is refused (exit 2, one line)', async () => {
  const r = await rewind(['sandbox', 'up', '--dir', sb.dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: a sandbox is already running in .* \(pid \d+\)$/m);
});

test('a port in use is refused (exit 2, one line)', async () => {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
  const port = (holder.address() as { port: number }).port;
  try {
    const r = await rewind(['sandbox', 'up', '--dir', join(empty, 'p'), '--port', String(port)]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), `error: port ${port} is in use; pick another with --port or stop what holds it`);
    const d = await rewind(['sandbox', 'up', '--detach', '--dir', join(empty, 'd'), '--port', String(port)]);
    assert.equal(d.code, 2, d.stderr);
    assert.match(d.stderr, new RegExp(`^error: port ${port} is in use`));
  } finally {
    holder.close();
  }
});

test('--port N is a base: the Kubernetes API on N, Argo CD on N+1, Prometheus on N+2, the registry on N+3, and down frees them', async () => {
  // Find N with N..N+3 free. Another suite running beside this one may take one of them between
  // the probe and `up`; that lost race is `port N is in use` (exit 2), and a new base is probed.
  const dir = join(empty, 'based');
  let base = 0;
  let up = { code: -1, stdout: '', stderr: '' };
  for (let attempt = 0; attempt < 5 && up.code !== 0; attempt++) {
    base = await fourFreePorts();
    up = await rewind(['sandbox', 'up', '--detach', '--dir', dir, '--port', String(base)]);
    if (up.code === 2 && /is in use/.test(up.stderr)) continue;
    break;
  }
  assert.equal(up.code, 0, up.stderr);
  try {
    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { ports: { kube: number; argocd: number; prometheus: number; registry: number }; urls: { argocd: string } };
    assert.deepEqual(state.ports, { kube: base, argocd: base + 1, prometheus: base + 2, registry: base + 3 });
    assert.equal(state.urls.argocd, `https://127.0.0.1:${base + 1}`);
    const kubeconfig = parse(await readFile(join(dir, 'kubeconfig'), 'utf8')) as { clusters: { cluster: { server: string } }[] };
    assert.ok(kubeconfig.clusters.every((c) => c.cluster.server.startsWith(`https://127.0.0.1:${base}/clusters/`)));
  } finally {
    const down = await rewind(['sandbox', 'down', '--dir', dir]);
    assert.equal(down.code, 0, down.stderr);
  }
});

test('sandbox down with none running: exit 2, one line', async () => {
  const r = await rewind(['sandbox', 'down', '--dir', empty]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), `error: no sandbox is running in ${empty}`);
});

test('sandbox break of an unknown app: exit 2, one line', async () => {
  const r = await rewind(['sandbox', 'break', 'bookstore-reviews-us-east', '--dir', sb.dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: unknown app "bookstore-reviews-us-east"/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('sandbox status lists the apps from the Argo CD API; -o json has ports and pid', async () => {
  const r = await rewind(['sandbox', 'status', '--dir', sb.dir, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.pid, sb.pid);
  assert.equal(doc.alive, true);
  // The six services-by-region, the catalog canary app (an Argo Rollout), the eu-west search indexer (a workloadRef Rollout) and the app-of-apps parent.
  assert.deepEqual(doc.apps.map((a: { name: string }) => a.name).sort(), [
    'bookstore-apps',
    'bookstore-catalog-canary-us-east',
    'bookstore-catalog-eu-west',
    'bookstore-catalog-us-east',
    'bookstore-orders-eu-west',
    'bookstore-orders-us-east',
    'bookstore-payments-eu-west',
    'bookstore-payments-us-east',
    'bookstore-search-indexer-eu-west',
  ]);
  assert.equal(doc.apps.find((a: { name: string }) => a.name === 'bookstore-catalog-us-east').historyId, 41);
});

test('up --detach, status, down', async () => {
  const dir = join(empty, 'detached');
  const up = await rewind(['sandbox', 'up', '--detach', '--dir', dir, '--speed', '10']);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, /rewind sandbox is up: pid \d+/);
  const st = await rewind(['sandbox', 'status', '--dir', dir]);
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stdout, /bookstore-catalog-us-east\s+[0-9a-f]{7}\s+Synced/);
  const down = await rewind(['sandbox', 'down', '--dir', dir]);
  assert.equal(down.code, 0, down.stderr);
  const again = await rewind(['sandbox', 'status', '--dir', dir]);
  assert.equal(again.code, 2);
});

async function fourFreePorts(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const probe: Server = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const n = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    let ok = n + 3 < 65536;
    for (let k = 1; k <= 3 && ok; k++) {
      const next: Server = createServer();
      ok = await new Promise<boolean>((resolve) => {
        next.once('error', () => resolve(false));
        next.listen(n + k, '127.0.0.1', () => resolve(true));
      });
      await new Promise<void>((resolve) => (ok ? next.close(() => resolve()) : resolve()));
    }
    if (ok) return n;
  }
  throw new Error('found no four free adjacent loopback ports in 20 tries');
}

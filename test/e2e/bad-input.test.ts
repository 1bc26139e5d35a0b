import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { startFakeHttpServer } from '../../src/testing/fake-http-server.ts';
import { rewind } from './cli.ts';
import { tempDirSync } from '../../src/testing/temp-dirs.ts';

type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;
const APP = 'bookstore-catalog-us-east';

/** Writes a variant of the sandbox's rewind.yaml beside it and returns its path. */
type ConfigDoc = { argocd: Record<string, unknown>; configRepo: Record<string, unknown> };

function variant(sb: Sandbox, name: string, edit: (doc: ConfigDoc) => void): string {
  const doc = parse(readFileSync(sb.configFile, 'utf8')) as ConfigDoc;
  edit(doc);
  const file = join(sb.dir, `rewind-${name}.yaml`);
  writeFileSync(file, stringify(doc));
  return file;
}

/** Bad input and failing systems: one clear line, the documented exit code, nothing changed. */
describe('bad input and failing systems', () => {
  let sb: Sandbox;
  const autoSyncOn = async () => {
    const r = await rewind(['status', APP, '-o', 'json'], { env: { REWIND_CONFIG: sb.configFile } });
    return (JSON.parse(r.stdout) as { syncPolicy: { autoSync: boolean } }).syncPolicy.autoSync;
  };

  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
    const brk = await rewind(['sandbox', 'break', APP, '--dir', sb.dir]);
    assert.equal(brk.code, 0, brk.stderr);
  });
  after(async () => {
    await sb?.stop();
  });

  test('a wrong Argo CD token: exit 3, says what to check, nothing changed', async () => {
    const tokenFile = join(sb.dir, 'wrong-token');
    writeFileSync(tokenFile, 'not-the-token');
    chmodSync(tokenFile, 0o600);
    const config = variant(sb, 'badtoken', (d) => (d['argocd'].tokenFile = tokenFile));
    const r = await rewind(['rollback', APP, '--yes', '--config', config]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /401|unauthori[sz]ed/i);
    assert.match(r.stderr, /ARGOCD_AUTH_TOKEN|tokenFile/);
    assert.doesNotMatch(r.stderr + r.stdout, /not-the-token/, 'the token never reaches output');
    assert.equal(await autoSyncOn(), true);
  });

  test('Argo CD answering 500: retried, then an outage: the undo is planned through the Application CR (issue 13)', async () => {
    const fake = await startFakeHttpServer(() => ({ status: 500, body: { error: 'boom', code: 13, message: 'boom' } }));
    try {
      const config = variant(sb, 'argo500', (d) => {
        d['argocd'].url = fake.url;
        delete d['argocd'].caFile;
      });
      const r = await rewind(['plan', APP, '--config', config, '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const plan = JSON.parse(r.stdout) as { mechanism: string; rejected: { mechanism: string; reason: string }[] };
      assert.equal(plan.mechanism, 'rollout-undo');
      assert.match(plan.rejected.find((x) => x.mechanism === 'argocd-rollback')?.reason ?? '', /^Argo CD API unreachable: argocd: get application .*500/);
      assert.ok(fake.requests.length >= 2, 'transient 5xx is retried');
      // Argo CD's own view (status) still fails, naming the system: the outage is never hidden there.
      const status = await rewind(['status', APP, '--config', config]);
      assert.equal(status.code, 3, status.stderr);
      assert.match(status.stderr, /argocd/i);
    } finally {
      await fake.close();
    }
  });

  test('a pruned last-known-good revision: refused (exit 1) with the reason, nothing changed', async () => {
    const empty = tempDirSync('rewind-empty-repo-');
    execFileSync('git', ['init', '-q', '--bare', empty]);
    const config = variant(sb, 'pruned', (d) => (d['configRepo'].path = empty));
    const r = await rewind(['rollback', APP, '--yes', '--config', config]);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stdout + r.stderr, /pruned|no longer|not in the config repo/i);
    assert.equal(await autoSyncOn(), true);
  });

  test('malformed rewind.yaml: exit 2 with file:line', async () => {
    const file = join(sb.dir, 'broken.yaml');
    writeFileSync(file, 'apps:\n  - name: x\n    workload: [unclosed\n');
    const r = await rewind(['plan', APP, '--config', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /broken\.yaml:\d+/);
  });

  test('an unknown flag is a usage error (exit 2)', async () => {
    const r = await rewind(['plan', APP, '--tooo', '41'], { env: { REWIND_CONFIG: sb.configFile } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--tooo/);
  });

  test('the sandbox down: exit 3, says it cannot reach Argo CD and how to start it', async () => {
    const dead = variant(sb, 'dead', (d) => (d['argocd'].url = 'https://127.0.0.1:9'));
    const r = await rewind(['status', APP, '--config', dead]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /cannot reach Argo CD/);
  });
});

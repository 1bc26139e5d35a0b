import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decide } from '../core/decide.ts';
import { Fact } from '../core/facts.ts';
import { FakeFacts } from '../testing/fake-facts.ts';
import { runCliInProcess } from '../testing/cli-in-process.ts';
import { tempDir } from '../testing/temp-dirs.ts';

const cli = (args: readonly string[], cwd?: string) => runCliInProcess(args, { env: { NO_COLOR: '1' }, ...(cwd ? { cwd } : {}) });

/** Every case changes nothing: each fails before any configuration or system is touched. */
describe('bad input is a usage error (exit 2) that says what is wrong', () => {
  it('--timeout 0 and negative durations', async () => {
    for (const value of ['0', '0s', '-5m', '-3']) {
      const r = await cli(['rollback', 'app', '--timeout', value, '--yes']);
      assert.equal(r.code, 2, `${value}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`--timeout must be a positive duration such as 90s, 5m or 1h, not "${value}"`));
    }
  });

  it('--to -3 says the id is wrong instead of "argument is ambiguous"', async () => {
    const r = await cli(['plan', 'app', '--to', '-3']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--to must be an Argo CD history id \(a whole number\), not "-3"/);
    assert.doesNotMatch(r.stderr, /ambiguous/);
  });

  it('--verbose is gone: an unknown option', async () => {
    const r = await cli(['runs', '--verbose']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--verbose/);
  });

  it('migrations lint on an empty folder or one without .sql files', async () => {
    const dir = await tempDir('rewind-lint-');
    await mkdir(join(dir, 'empty'));
    await mkdir(join(dir, 'text'));
    await writeFile(join(dir, 'text', 'README.md'), '# not a migration\n');
    for (const sub of ['empty', 'text']) {
      const r = await cli(['migrations', 'lint', join(dir, sub)]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /no migrations found: no \.sql files under/);
      assert.doesNotMatch(r.stdout, /SAFE/);
    }
  });

  it('migrations lint refuses a FIFO without blocking on it', async () => {
    const dir = await tempDir('rewind-fifo-');
    execFileSync('mkfifo', [join(dir, '0001_pipe.sql')]);
    const r = await cli(['migrations', 'lint', join(dir, '0001_pipe.sql')]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /named pipe \(FIFO\), not a regular file/);
  });
});

describe('a saved plan is validated against the step registry before anything runs', () => {
  const plan = () => JSON.parse(JSON.stringify(decide(FakeFacts.seed().build()))) as { app: string; version: number; steps: { kind: string; params: unknown }[] };
  const attempt = async (edit: (p: ReturnType<typeof plan>) => void) => {
    const dir = await tempDir('rewind-plan-');
    const p = plan();
    edit(p);
    await writeFile(join(dir, 'plan.json'), JSON.stringify(p));
    return cli(['rollback', p.app, '--plan', join(dir, 'plan.json'), '--yes'], dir);
  };

  it('an unknown step kind', async () => {
    const r = await attempt((p) => ((p.steps[1] as { kind: string }).kind = 'argocd.nuke'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a plan this rewind can run: plan\.steps\[1\]: unknown step kind "argocd\.nuke"/);
  });

  it('bad parameters', async () => {
    const r = await attempt((p) => ((p.steps[3] as { params: unknown }).params = { id: -1, revision: 'x', prune: 'yes' }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /plan\.steps\[3\]\.params\.id: expected an integer >= 0, got -1/);
  });

  it('a step that contradicts plan.to', async () => {
    const r = await attempt((p) => ((p.steps[3] as { params: { id: number } }).params.id = 39));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /rolls back to history 39, but the plan's target is history 41/);
  });

  it('another version', async () => {
    const r = await attempt((p) => (p.version = 1));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /plan\.version is 1; this rewind reads version 2 plans/);
  });
});

describe('a saved Argo Rollouts plan is validated the same way', () => {
  const rs = (hash: string, revision: number, image: string, replicas: number) => ({ name: `catalog-${hash}`, hash, revision, replicas, availableReplicas: replicas, images: [{ container: 'catalog', image }], digests: [] });
  const rollout = {
    name: 'catalog', namespace: 'bookstore-platform-acme-books', generation: 4, replicas: 5, abort: false, specPaused: false, pauseReasons: [], strategy: 'canary' as const, steps: [],
    analysisRuns: [], missingTemplates: [], phase: 'Healthy', stableHash: 'bad', currentHash: 'bad', replicaSets: [rs('good', 3, 'ghcr.io/acme/catalog:1.4.2', 0), rs('bad', 4, 'ghcr.io/acme/catalog:1.5.0', 5)],
  };
  const plan = () => JSON.parse(JSON.stringify(decide({ ...FakeFacts.seed().gitopsNone().workloadKind('Rollout').build(), rollout: Fact.of(rollout, 'kubernetes GET') }))) as { app: string; mechanism: string; steps: { kind: string; params: Record<string, unknown> }[] };
  const attempt = async (edit: (p: ReturnType<typeof plan>) => void) => {
    const dir = await tempDir('rewind-plan-');
    const p = plan();
    assert.equal(p.mechanism, 'argo-rollouts');
    edit(p);
    await writeFile(join(dir, 'plan.json'), JSON.stringify(p));
    return cli(['rollback', p.app, '--plan', join(dir, 'plan.json'), '--yes'], dir);
  };

  it('an undo to a ReplicaSet that is not the plan\'s target', async () => {
    const r = await attempt((p) => (p.steps.find((s) => s.kind === 'rollouts.undo')!.params['replicaSet'] = 'catalog-other'));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /returns to ReplicaSet catalog-other, but the plan's target is catalog-good/);
  });

  it('the hold released before the undo (phases out of order)', async () => {
    const r = await attempt((p) => p.steps.splice(1, 0, p.steps.pop()!));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /not a plan this rewind can run: plan\.steps\[2\]: a mitigate step after a follow-up step/);
  });
});

describe('config warnings reach the user with file:line', () => {
  it('unknown keys and insecure TLS', async () => {
    const dir = await tempDir('rewind-cfg-');
    const file = join(dir, 'rewind.yaml');
    await writeFile(
      file,
      `clusters:
  - name: us-east
    context: us-east
argocd:
  url: https://argocd.example.com
  insecure: true
  tokne: oops
colour: always
apps:
  - name: app
    cluster: us-east
    namespace: ns
    workload: { kind: Deployment, name: web }
    severity: P1
`,
    );
    const r = await cli(['runs', '--config', file, '--state-dir', join(dir, 'state')], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`warning: ${file}:7:3: unknown key "tokne"`));
    assert.match(r.stderr, new RegExp(`warning: ${file}:8:1: unknown key "colour"`));
    assert.match(r.stderr, new RegExp(`warning: ${file}:6:\\d+: argocd.insecure skips TLS verification`));
  });
});

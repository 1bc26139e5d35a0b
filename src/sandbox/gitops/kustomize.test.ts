import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { renderKustomize } from './kustomize.ts';
import { createConfigRepo } from './config-repo.ts';
import { buildWorldHistory } from '../world/timeline.ts';
import { WORLD_APPS } from '../world/bookstore.ts';

const run = promisify(execFile);

async function kubectlKustomize(dir: string): Promise<unknown[]> {
  const { stdout } = await run('kubectl', ['kustomize', dir]);
  return parseAllDocuments(stdout).map((d) => d.toJS() as unknown).filter(Boolean);
}

test('renders every app folder of the config repo exactly as kubectl kustomize does', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-kustomize-'));
  const history = buildWorldHistory(new Date());
  const repo = await createConfigRepo({ dir, history: history.commits });
  try {
    const tree = await repo.checkout(await repo.resolve('main'));
    for (const app of WORLD_APPS) {
      const ours = await renderKustomize(join(tree, app.path));
      assert.deepEqual(ours, await kubectlKustomize(join(tree, app.path)), app.path);
      // The workload (a Deployment, or the canary app's Rollout beside its AnalysisTemplate).
      const workload = ours.find((o) => o.kind === 'Deployment' || o.kind === 'Rollout');
      const spec = (workload as { spec: { template: { spec: { containers: { image: string }[]; initContainers: { image: string }[] } } } }).spec.template.spec;
      const pinned = app.pinBy === 'tag' ? ':\\d+\\.\\d+\\.\\d+' : '@sha256:[0-9a-f]{64}';
      assert.match(spec.containers[0]?.image ?? '', new RegExp(`^ghcr\\.io/acme/${app.service}${pinned}$`));
      assert.match(spec.containers[1]?.image ?? '', /^ghcr\.io\/acme\/log-shipper@sha256:[0-9a-f]{64}$/, 'the sidecar, pinned');
      assert.match(spec.initContainers[0]?.image ?? '', /^ghcr\.io\/acme\/wait-for-db@sha256:[0-9a-f]{64}$/, 'the init container, pinned');
    }
  } finally {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('newName, newTag, digest on a registry with a port, labels, annotations, patchesStrategicMerge match kubectl kustomize', async () => {
  const dir = new URL('./testdata/kz/overlay', import.meta.url).pathname;
  assert.deepEqual(await renderKustomize(dir), await kubectlKustomize(dir));
});

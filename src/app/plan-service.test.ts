import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../config/parse-config.ts';
import { NotFoundError } from '../core/errors.ts';
import type { GitOpsClient } from '../core/ports.ts';
import type { AppContext } from './app-context.ts';
import { planRollback } from './plan-service.ts';

const YAML = `clusters: [{ name: c, context: c }]
argocd: { url: https://127.0.0.1:1 }
apps:
  - { name: catalog, cluster: c, namespace: shop, workload: { kind: Deployment, name: catalog } }
`;

test('the Application read is sent before any other port starts (it heads the critical path)', async () => {
  const config = parseConfig(YAML, '/etc/rewind/rewind.yaml', { statMode: () => 0o100600 }).config;
  assert.ok(config);
  const calls: string[] = [];
  const called = <T>(name: string, value: T): Promise<T> => {
    calls.push(name);
    return Promise.resolve(value);
  };
  const gitops = {
    getApplication: (name: string) => {
      calls.push('GET application');
      return Promise.reject(new NotFoundError(`application ${name} not found`));
    },
  } as unknown as GitOpsClient;
  const ctx: AppContext = {
    config,
    clock: { now: () => new Date('2026-05-20T14:40:00Z'), sleep: () => Promise.resolve() },
    app: () => ({ name: 'catalog', workload: { cluster: 'c', namespace: 'shop', kind: 'Deployment', name: 'catalog' }, severity: 'P1', flags: [] }),
    argocdApi: () => called('argocd client', gitops),
    gitops: () => called('argocd client (fallback)', gitops),
    applicationCr: () => called('application CR reader', undefined),
    cluster: () => new Promise(() => calls.push('cluster')),
    repo: () => called('config repo', undefined),
    analyzer: () => called('analyzer', undefined),
    verification: () => called('verification', { templates: undefined } as never),
    journal: () => new Promise(() => calls.push('journal')),
    metrics: () => called('metrics', undefined),
    close: () => Promise.resolve(),
  };
  await assert.rejects(planRollback(ctx, { app: 'catalog' }), /application catalog not found/);
  assert.deepEqual(calls.slice(0, 2), ['argocd client', 'GET application'], `order: ${calls.join(', ')}`);
  for (const port of ['config repo', 'journal', 'metrics', 'cluster']) assert.ok(calls.includes(port), `${port} was started too: ${calls.join(', ')}`);
});

/**
 * The Argo CD adapter against the sandbox's Argo CD API over HTTPS (CA-verified, bearer token),
 * exactly as it reaches a production Argo CD.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AdapterError } from '../../src/core/errors.ts';
import { runGitOpsClientSuite } from '../../src/testing/gitops-client-suite.ts';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { argocdClient, started, type Sandbox } from './sandbox-clients.ts';
import { argo } from '../sandbox/helpers.ts';

let sb: Sandbox | undefined;
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

const client = (token?: string) => argocdClient(started(sb), token);

// Read-only on the seed's app; the Step 3 tests on another app, so the two never interfere.
runGitOpsClientSuite({
  name: 'argocd adapter against the sandbox (catalog)',
  create: () => client(),
  app: 'bookstore-catalog-us-east',
  owned: [
    { app: 'bookstore-payments-eu-west', kind: 'ApplicationSet', name: 'bookstore' },
    { app: 'bookstore-payments-us-east', kind: 'ApplicationSet', name: 'bookstore-sync-exempt' },
    { app: 'bookstore-catalog-eu-west', kind: 'ApplicationSet', name: 'bookstore-pinnable' },
    { app: 'bookstore-orders-eu-west', kind: 'Application', name: 'bookstore-apps' },
  ],
});
runGitOpsClientSuite({ name: 'argocd adapter against the sandbox (orders, Step 3)', create: () => client(), app: 'bookstore-orders-us-east', mutating: true });

test('a wrong token is refused with the hint, and the token is not in the message', async () => {
  const wrong = 'not-the-sandbox-token-0123456789';
  const err = await client(wrong).getApplication('bookstore-catalog-us-east').catch((e: unknown) => e);
  assert.ok(err instanceof AdapterError, String(err));
  assert.ok(err.status === 401 || err.status === 403);
  assert.match(err.hint ?? '', /ARGOCD_AUTH_TOKEN \/ tokenFile/);
  assert.ok(!err.message.includes(wrong));
});

test('each owner reads as the sandbox configures it: upstream defaults, /spec/syncPolicy ignored, targetRevision ignored, a self-healing parent', async () => {
  const c = client();
  const [defaults, exempt, pinnable, child] = await Promise.all(
    ['bookstore-payments-eu-west', 'bookstore-payments-us-east', 'bookstore-catalog-eu-west', 'bookstore-orders-eu-west'].map((a) => c.getApplication(a)),
  );
  assert.deepEqual(defaults?.owner?.applicationSet, { ignoredPointers: [], jqPathExpressions: [], preservedAnnotations: [], preservedLabels: [], siblings: [] }, 'the set generates only this app (status.resources)');
  assert.deepEqual(exempt?.owner?.applicationSet?.ignoredPointers, ['/spec/syncPolicy']);
  assert.deepEqual(pinnable?.owner?.applicationSet?.ignoredPointers, ['/spec/source/targetRevision']);
  assert.deepEqual(pinnable?.owner?.applicationSet?.preservedAnnotations, ['rewind.io/hold']);
  assert.deepEqual(child?.owner, { kind: 'Application', name: 'bookstore-apps', parent: { autoSync: true, selfHeal: true, syncPolicy: { automated: { prune: true, selfHeal: true, enabled: true } } } });
  assert.equal((await c.getApplication('bookstore-catalog-us-east')).owner, undefined, 'the demo app is standalone');
});

test('while git is down, the sync policy and the pin are still written (validate=false); a PATCH would be refused', async () => {
  const s = started(sb);
  const app = 'bookstore-catalog-us-east';
  const c = client();
  const before = await c.getApplication(app);
  assert.equal((await argo(s, 'POST', '/api/sandbox/v1/fault', { fault: 'git-down' })).status, 200);
  try {
    const patch = await argo<{ message: string }>(s, 'PATCH', `/api/v1/applications/${app}`, { name: app, patchType: 'merge', patch: JSON.stringify({ metadata: { labels: { x: 'y' } } }) });
    assert.equal(patch.status, 400);
    assert.match(patch.body.message, /repository not accessible/);
    await c.setSyncPolicy(app, { automated: { prune: true, selfHeal: true, enabled: false } });
    await c.setTargetRevision(app, before.history.at(-1)?.revision ?? '');
    const now = await c.getApplication(app);
    assert.equal(now.syncPolicy.automated?.enabled, false);
    assert.equal(now.source.targetRevision, before.history.at(-1)?.revision);
  } finally {
    await argo(s, 'POST', '/api/sandbox/v1/fault', { fault: 'git-up' });
    await c.setTargetRevision(app, before.source.targetRevision);
    await c.setSyncPolicy(app, before.syncPolicy);
  }
  assert.deepEqual((await c.getApplication(app)).syncPolicy, before.syncPolicy);
});

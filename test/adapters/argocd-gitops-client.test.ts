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

let sb: Sandbox | undefined;
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

const client = (token?: string) => argocdClient(started(sb), token);

// Read-only on the seed's app; the Step 3 tests on another app, so the two never interfere.
runGitOpsClientSuite({ name: 'argocd adapter against the sandbox (catalog)', create: () => client(), app: 'bookstore-catalog-us-east' });
runGitOpsClientSuite({ name: 'argocd adapter against the sandbox (orders, Step 3)', create: () => client(), app: 'bookstore-orders-us-east', mutating: true });

test('a wrong token is refused with the hint, and the token is not in the message', async () => {
  const wrong = 'not-the-sandbox-token-0123456789';
  const err = await client(wrong).getApplication('bookstore-catalog-us-east').catch((e: unknown) => e);
  assert.ok(err instanceof AdapterError, String(err));
  assert.ok(err.status === 401 || err.status === 403);
  assert.match(err.hint ?? '', /ARGOCD_AUTH_TOKEN \/ tokenFile/);
  assert.ok(!err.message.includes(wrong));
});

test('the ApplicationSet-generated app reports its owner', async () => {
  const app = await client().getApplication('bookstore-payments-eu-west');
  assert.deepEqual(app.owner, { kind: 'ApplicationSet', name: 'bookstore' });
});

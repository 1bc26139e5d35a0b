import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { argo, getApp, waitFor } from './helpers.ts';

let sb: SandboxProcess;
const APP = 'bookstore-payments-eu-west';
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

const disable = () =>
  argo(sb, 'PATCH', `/api/v1/applications/${APP}`, { name: APP, patchType: 'merge', patch: JSON.stringify({ spec: { syncPolicy: { automated: null } } }) });

test('an ApplicationSet-generated app carries the owner reference and gets its syncPolicy put back', async () => {
  const app = await getApp(sb, APP);
  assert.equal(app.metadata.ownerReferences[0].kind, 'ApplicationSet');
  assert.equal(app.metadata.ownerReferences[0].name, 'bookstore');
  const r = await disable();
  assert.equal(r.status, 200);
  assert.equal(r.body.spec.syncPolicy.automated, undefined);
  await waitFor('syncPolicy restored', async () => (await getApp(sb, APP)).spec.syncPolicy.automated?.selfHeal === true, 5_000);
});

test('unless the ApplicationSet ignores /spec/syncPolicy', async () => {
  const set = (await argo(sb, 'GET', '/api/v1/applicationsets/bookstore')).body;
  set.spec.ignoreApplicationDifferences = [{ jsonPointers: ['/spec/syncPolicy'] }];
  const up = await argo(sb, 'POST', '/api/v1/applicationsets?upsert=true', set);
  assert.equal(up.status, 200, JSON.stringify(up.body));
  assert.equal((await disable()).status, 200);
  await new Promise((r) => setTimeout(r, 700)); // 14 sandbox seconds
  assert.equal((await getApp(sb, APP)).spec.syncPolicy.automated, undefined);
});

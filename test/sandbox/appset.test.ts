/**
 * The sandbox's ApplicationSet controller, over the Argo CD API, as upstream's behaves
 * (applicationset/controllers/applicationset_controller.go, applicationset/utils/createOrUpdate.go).
 * Earlier, the sandbox restored only syncPolicy and source; upstream re-applies the whole
 * generated app, so these tests now expect labels, annotations and a pinned revision to be put
 * back too, unless ignoreApplicationDifferences or preservedFields keep them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { argo, getApp, mergePatch, sandboxSecondsPass, waitFor } from './helpers.ts';

let sb: SandboxProcess;
const DEFAULTS = 'bookstore-payments-eu-west'; // `bookstore`: upstream's defaults
const EXEMPT = 'bookstore-payments-us-east'; // `bookstore-sync-exempt`: ignores /spec/syncPolicy
const PINNABLE = 'bookstore-catalog-eu-west'; // `bookstore-pinnable`: ignores /spec/source/targetRevision

before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

/** Everything rewind might write on an app during an incident. */
async function tamper(app: string, pin: string) {
  const r = await mergePatch(sb, app, {
    metadata: { labels: { team: 'payments' }, annotations: { 'rewind.dev/hold': 'run-1', 'notified.notifications.argoproj.io': '{}' } },
    spec: { syncPolicy: { automated: { enabled: false } }, source: { targetRevision: pin } },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.spec.syncPolicy.automated.enabled, false, 'the PATCH itself is stored');
}

interface ApplicationSetBody {
  spec: { syncPolicy?: { applicationsSync?: string }; generators: [{ list: { elements: Record<string, string>[] } }] };
}

const headOf = async (app: string): Promise<string> => (await getApp(sb, app)).status.sync.revision;

test('each generated app carries its ApplicationSet as controller owner', async () => {
  for (const [app, set] of [[DEFAULTS, 'bookstore'], [EXEMPT, 'bookstore-sync-exempt'], [PINNABLE, 'bookstore-pinnable']]) {
    const refs = (await getApp(sb, app)).metadata.ownerReferences;
    assert.equal(refs.length, 1);
    assert.deepEqual({ kind: refs[0].kind, name: refs[0].name, controller: refs[0].controller }, { kind: 'ApplicationSet', name: set, controller: true }, app);
  }
  const got = await argo(sb, 'GET', '/api/v1/applicationsets/bookstore');
  assert.equal(got.status, 200);
  assert.equal(got.body.spec.ignoreApplicationDifferences, undefined, 'upstream defaults: nothing ignored');
  assert.equal(got.body.spec.syncPolicy, undefined, 'upstream defaults: applicationsSync unset (sync)');
  assert.equal((await argo(sb, 'GET', '/api/v1/applicationsets/nope')).status, 404);
});

test('with upstream defaults the whole app is put back: sync policy, pin, labels, annotations (but the default preserved one)', async () => {
  await tamper(DEFAULTS, await headOf(DEFAULTS));
  const app = await waitFor('re-applied', async () => {
    const a = await getApp(sb, DEFAULTS);
    return a.spec.syncPolicy.automated.enabled === true && a.spec.source.targetRevision === 'main' && !a.metadata.labels.team ? a : undefined;
  });
  assert.equal(app.metadata.annotations?.['rewind.dev/hold'], undefined, 'an annotation not in the template is wiped');
  assert.equal(app.metadata.annotations?.['notified.notifications.argoproj.io'], '{}', 'upstream preserves this one by default');
  assert.equal(app.metadata.labels['bookstore.acme/service'], 'payments', 'the template labels stay');
});

test('preservedFields keep the annotations and labels they name', async () => {
  const set = (await argo(sb, 'GET', '/api/v1/applicationsets/bookstore')).body;
  set.spec.preservedFields = { annotations: ['rewind.dev/hold'], labels: ['team'] };
  assert.equal((await argo(sb, 'POST', '/api/v1/applicationsets?upsert=true', set)).status, 200);
  await tamper(DEFAULTS, await headOf(DEFAULTS));
  await waitFor('spec re-applied', async () => (await getApp(sb, DEFAULTS)).spec.syncPolicy.automated.enabled === true);
  const app = await getApp(sb, DEFAULTS);
  assert.equal(app.metadata.annotations['rewind.dev/hold'], 'run-1');
  assert.equal(app.metadata.labels.team, 'payments');
  assert.equal(app.spec.source.targetRevision, 'main', 'preserved metadata does not protect the spec');
});

test('a set that ignores /spec/syncPolicy leaves auto-sync off, and still puts the pin back', async () => {
  await tamper(EXEMPT, await headOf(EXEMPT));
  await waitFor('pin undone', async () => (await getApp(sb, EXEMPT)).spec.source.targetRevision === 'main');
  await sandboxSecondsPass(sb, 10, EXEMPT);
  assert.equal((await getApp(sb, EXEMPT)).spec.syncPolicy.automated.enabled, false);
});

test('a set that ignores /spec/source/targetRevision keeps the pin, and still turns auto-sync back on', async () => {
  const pin = await headOf(PINNABLE);
  await tamper(PINNABLE, pin);
  await waitFor('auto-sync back on', async () => (await getApp(sb, PINNABLE)).spec.syncPolicy.automated.enabled === true);
  await sandboxSecondsPass(sb, 10, PINNABLE);
  assert.equal((await getApp(sb, PINNABLE)).spec.source.targetRevision, pin);
});

test('applicationsSync: create-only never updates, create-update never deletes, the default (sync) deletes and creates', async () => {
  const put = async (mutate: (set: ApplicationSetBody) => void) => {
    const set = (await argo(sb, 'GET', '/api/v1/applicationsets/bookstore')).body;
    mutate(set);
    const r = await argo(sb, 'POST', '/api/v1/applicationsets?upsert=true', set);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const bad = await argo(sb, 'POST', '/api/v1/applicationsets?upsert=true', { metadata: { name: 'bookstore' }, spec: { template: {}, generators: [], syncPolicy: { applicationsSync: 'sometimes' } } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /Unsupported value: "sometimes"/);

  await put((s) => (s.spec.syncPolicy = { applicationsSync: 'create-only' }));
  assert.equal((await mergePatch(sb, DEFAULTS, { spec: { syncPolicy: { automated: { enabled: false } } } })).status, 200);
  await sandboxSecondsPass(sb, 10, DEFAULTS);
  assert.equal((await getApp(sb, DEFAULTS)).spec.syncPolicy.automated.enabled, false, 'create-only: the change sticks');

  await put((s) => (s.spec.syncPolicy = { applicationsSync: 'create-update' }));
  await waitFor('create-update: updated again', async () => (await getApp(sb, DEFAULTS)).spec.syncPolicy.automated.enabled === true);

  const elements = (await argo(sb, 'GET', '/api/v1/applicationsets/bookstore')).body.spec.generators[0].list.elements;
  await put((s) => (s.spec.generators[0].list.elements = []));
  await sandboxSecondsPass(sb, 10, DEFAULTS);
  assert.equal((await argo(sb, 'GET', `/api/v1/applications/${DEFAULTS}`)).status, 200, 'create-update: an app no longer generated stays');

  await put((s) => delete s.spec.syncPolicy);
  await waitFor('deleted', async () => (await argo(sb, 'GET', `/api/v1/applications/${DEFAULTS}`)).status === 404);

  await put((s) => (s.spec.generators[0].list.elements = elements));
  const back = await waitFor('created again', async () => {
    const r = await argo(sb, 'GET', `/api/v1/applications/${DEFAULTS}`);
    return r.status === 200 ? r.body : undefined;
  });
  assert.equal(back.metadata.ownerReferences[0].name, 'bookstore');
  assert.equal(back.spec.source.path, 'apps/payments/eu-west', 'rendered from the template');
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdapterError, NotFoundError } from '../core/errors.ts';
import type { ApplicationState } from '../core/domain.ts';
import type { GitOpsClient } from '../core/ports.ts';
import { readApplication, type ApplicationCrReader } from './gather-application.ts';

const app = { name: 'catalog' } as unknown as ApplicationState;
const reader = (get: GitOpsClient['getApplication']): GitOpsClient => ({ getApplication: get } as unknown as GitOpsClient);
const cr = (get: GitOpsClient['getApplication']): ApplicationCrReader => ({ client: reader(get), where: (n) => `kubernetes GET us-east: applications.argoproj.io/${n} -n argocd` });
const hangUp = () => Promise.reject(new AdapterError('argocd', 'get application catalog', 'request to https://argocd failed: socket hang up', { transient: true }));
/** Answers only when the caller gives up: what a server that holds every request looks like. */
const never: GitOpsClient['getApplication'] = (_n, opts) => new Promise((_resolve, reject) => opts?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));

describe('reading the Application for the facts (issue 13)', () => {
  it('the API answers: its Application, no outage fact', async () => {
    const r = await readApplication(reader(() => Promise.resolve(app)), cr(() => assert.fail('the CR is not read')), 'catalog', 'argocd GET', undefined);
    assert.equal(r.application, app);
    assert.equal(r.source, 'argocd GET');
    assert.equal(r.argocdApi, undefined);
  });

  it('the API is unreachable and the CR answers: the CR\'s Application, and the outage says where it came from', async () => {
    const r = await readApplication(reader(hangUp), cr(() => Promise.resolve(app)), 'catalog', 'argocd GET', undefined);
    assert.equal(r.application, app);
    assert.equal(r.source, 'kubernetes GET us-east: applications.argoproj.io/catalog -n argocd');
    assert.deepEqual(r.argocdApi?.value, { state: 'unreachable', reason: 'argocd: get application catalog: request to https://argocd failed: socket hang up', cr: { readable: true, where: r.source } });
  });

  it('slower than argocd.slowAfterSeconds is an outage of its own kind', async () => {
    const deadline = new AbortController();
    const read = readApplication(reader(never), cr(() => Promise.resolve(app)), 'catalog', 'argocd GET', 20, deadline.signal);
    deadline.abort();
    const r = await read;
    assert.equal(r.argocdApi?.value.state, 'slow');
    assert.match(r.argocdApi?.value.reason ?? '', /no answer within 0\.02 s \(argocd\.slowAfterSeconds\)/);
    assert.equal(r.application, app);
  });

  it('neither answers: no Application, and why the CR could not be read', async () => {
    const r = await readApplication(reader(hangUp), cr(() => Promise.reject(new NotFoundError('the cluster us-east has no Application argocd/catalog'))), 'catalog', 'argocd GET', undefined);
    assert.equal(r.application, undefined);
    assert.deepEqual(r.argocdApi?.value.cr, { readable: false, reason: 'the cluster us-east has no Application argocd/catalog' });
  });

  it('no CR channel configured: said so', async () => {
    const r = await readApplication(reader(hangUp), undefined, 'catalog', 'argocd GET', undefined);
    assert.match(r.argocdApi?.value.cr.readable === false ? r.argocdApi.value.cr.reason : '', /no Kubernetes access to the cluster Argo CD runs in/);
  });

  it('a refusal (401, unknown app) is not an outage: the plan fails as before', async () => {
    await assert.rejects(readApplication(reader(() => Promise.reject(new NotFoundError('Argo CD has no application catalog'))), cr(() => Promise.resolve(app)), 'catalog', 'argocd GET', undefined), NotFoundError);
  });
});

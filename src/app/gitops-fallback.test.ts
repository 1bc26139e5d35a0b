import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdapterError, NotFoundError } from '../core/errors.ts';
import type { ApplicationState } from '../core/domain.ts';
import type { GitOpsClient } from '../core/ports.ts';
import { withCrFallback, type ApiState } from './gitops-fallback.ts';

/** A channel that records what reached it and answers, or fails with `fail`. */
function channel(name: string, calls: string[], fail?: () => Error): GitOpsClient {
  const act = (what: string): Promise<void> => {
    calls.push(`${name}:${what}`);
    return fail ? Promise.reject(fail()) : Promise.resolve();
  };
  return {
    getApplication: async (app) => (await act(`get ${app}`), { name: app } as unknown as ApplicationState),
    setSyncPolicy: (app) => act(`policy ${app}`),
    setTargetRevision: (app) => act(`pin ${app}`),
    rollback: (app) => act(`rollback ${app}`),
    sync: (app) => act(`sync ${app}`),
    writeHold: (app, _h, on) => act(`hold ${on?.kind === 'ApplicationSet' ? on.name : app}`),
    clearHold: (app, _r, on) => act(`release ${on?.kind === 'ApplicationSet' ? on.name : app}`),
    setApplicationsSync: (set) => act(`appset ${set}`),
  };
}
const down = () => new AdapterError('argocd', 'get', 'request to https://argocd failed: socket hang up', { transient: true });
const policy = { automated: { prune: true, selfHeal: true, enabled: true } };

describe('the Argo CD channel with the Application CR behind it', () => {
  it('uses the API while it answers; the CR is never asked', async () => {
    const calls: string[] = [];
    const g = withCrFallback(channel('api', calls), () => Promise.resolve(channel('cr', calls)));
    await g.setSyncPolicy('app', policy);
    await g.getApplication('app');
    assert.deepEqual(calls, ['api:policy app', 'api:get app']);
  });

  it('a transient API failure goes to the CR, and later calls go there directly', async () => {
    const calls: string[] = [];
    const state: ApiState = {};
    const g = withCrFallback(channel('api', calls, down), () => Promise.resolve(channel('cr', calls)), state);
    await g.setSyncPolicy('app', policy);
    await g.clearHold('app', 'run-1');
    assert.deepEqual(calls, ['api:policy app', 'cr:policy app', 'cr:release app']);
    assert.match(state.down ?? '', /socket hang up/);
  });

  it('a plan that found the API down sends every call to the CR first', async () => {
    const calls: string[] = [];
    const g = withCrFallback(channel('api', calls), () => Promise.resolve(channel('cr', calls)), { down: 'read ECONNRESET' });
    await g.writeHold('app', {} as never);
    assert.deepEqual(calls, ['cr:hold app']);
  });

  it('a refusal or a missing app is the API\'s answer, not an outage', async () => {
    const calls: string[] = [];
    const g = withCrFallback(channel('api', calls, () => new NotFoundError('Argo CD has no application app')), () => Promise.resolve(channel('cr', calls)));
    await assert.rejects(g.getApplication('app'), NotFoundError);
    assert.deepEqual(calls, ['api:get app']);
  });

  it('rollback, sync and ApplicationSet writes stay API-only', async () => {
    const calls: string[] = [];
    const g = withCrFallback(channel('api', calls, down), () => Promise.resolve(channel('cr', calls)), { down: 'x' });
    await assert.rejects(g.rollback('app', 3, { prune: false }), AdapterError);
    await assert.rejects(g.sync('app', {}), AdapterError);
    await assert.rejects(g.writeHold('app', {} as never, { kind: 'ApplicationSet', name: 'set' }), AdapterError);
    assert.deepEqual(calls, ['api:rollback app', 'api:sync app', 'api:hold set']);
  });

  it('without a CR channel the API\'s failure stands', async () => {
    const calls: string[] = [];
    const g = withCrFallback(channel('api', calls, down), () => Promise.resolve(undefined));
    await assert.rejects(g.setSyncPolicy('app', policy), /socket hang up/);
  });
});

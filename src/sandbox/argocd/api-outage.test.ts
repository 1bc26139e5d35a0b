import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { ApiOutage } from './api-outage.ts';

/** Just what the gate touches of a request and its response. */
function exchange(url: string) {
  const res = Object.assign(new EventEmitter(), { destroyed: false, destroy() { this.destroyed = true; } });
  const req = { url, resume: () => undefined } as unknown as IncomingMessage;
  return { req, res: res as unknown as ServerResponse & { destroyed: boolean } };
}

describe('argocd-server down or slow (the controller is not its business)', () => {
  it('down: Argo CD\'s routes are dropped without an answer; the sandbox\'s own routes stay up', async () => {
    const outage = new ApiOutage();
    outage.set('down');
    const api = exchange('/api/v1/applications/catalog');
    assert.equal(await outage.gate(api.req, api.res), false);
    assert.equal(api.res.destroyed, true);
    const own = exchange('/api/sandbox/v1/fault');
    assert.equal(await outage.gate(own.req, own.res), true);
  });

  it('slow: a request is held until the delay, or until the API is back, then served', async () => {
    const outage = new ApiOutage();
    outage.set('slow', 3_600_000);
    const api = exchange('/api/v1/applications/catalog');
    const served = outage.gate(api.req, api.res);
    outage.set('up');
    assert.equal(await served, true);
    assert.equal(api.res.destroyed, false);
  });

  it('slow then down: the held request is dropped', async () => {
    const outage = new ApiOutage();
    outage.set('slow', 3_600_000);
    const api = exchange('/api/v1/applications/catalog');
    const served = outage.gate(api.req, api.res);
    outage.set('down');
    assert.equal(await served, false);
  });
});

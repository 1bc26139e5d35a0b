import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHandler, type Route } from './http.ts';

/**
 * A handler that fails with something that is no `Error` (a promise rejected with nothing) gets
 * a 500 and a log line, and the server keeps serving: once, the error path's own `e.stack` threw
 * outside every handler and took the sandbox down in the middle of a `sandbox break`.
 */
test('a handler that throws no Error: 500 with codes.Internal, logged, and the next request is served', async () => {
  const logged: string[] = [];
  const routes: Route[] = [
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test: a rejection with no Error
    { method: 'GET', path: '/api/v1/nothing', handle: () => Promise.reject(undefined) },
    { method: 'GET', path: '/api/v1/fine', handle: () => Promise.resolve({ ok: true }) },
  ];
  const handler = createHandler(routes, 'tok', (e, request) => logged.push(`${request}: ${String(e)}`));
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const headers = { authorization: 'Bearer tok' };
    const bad = await fetch(`${base}/api/v1/nothing`, { headers });
    assert.equal(bad.status, 500);
    assert.equal(((await bad.json()) as { code: number }).code, 13, 'codes.Internal');
    assert.deepEqual(logged, ['GET /api/v1/nothing: undefined']);
    const fine = await fetch(`${base}/api/v1/fine`, { headers });
    assert.equal(fine.status, 200);
    assert.deepEqual(await fine.json(), { ok: true });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

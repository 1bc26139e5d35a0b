import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createArgoCdTransport } from './argocd-transport.ts';

/** A body written in pieces, one of them cut inside a multi-byte character. */
const BODY = JSON.stringify({ status: { history: Array.from({ length: 2000 }, (_, i) => ({ id: i, by: 'Tomás Ørtega 😀' })) } });

function writeInPieces(res: ServerResponse, bytes: Buffer, done: () => void): void {
  const cut = [0, 7, 4097, 4098, Math.floor(bytes.length / 2), bytes.length];
  const next = (i: number): void => {
    if (i + 1 >= cut.length) return done();
    res.write(bytes.subarray(cut[i], cut[i + 1]), () => next(i + 1));
  };
  next(0);
}

test('a response body is read whole and decoded, with its length announced or chunked', async (t) => {
  const bytes = Buffer.from(BODY, 'utf8');
  const server = createServer((req, res) => {
    res.writeHead(200, req.url === '/api/v1/sized' ? { 'content-type': 'application/json', 'content-length': bytes.length } : { 'content-type': 'application/json' });
    writeInPieces(res, bytes, () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const transport = createArgoCdTransport({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't' });
  for (const path of ['/api/v1/sized', '/api/v1/chunked']) {
    const res = await transport({ method: 'GET', path });
    assert.equal(res.status, 200);
    assert.equal(res.text, BODY, path);
  }
});

test('a sink takes a 2xx body as it arrives, decoded; any other answer comes as text', async (t) => {
  const bytes = Buffer.from(BODY, 'utf8');
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/api/v1/missing' ? 404 : 200, { 'content-type': 'application/json' });
    writeInPieces(res, bytes, () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const transport = createArgoCdTransport({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't' });
  const chunks: string[] = [];
  const ok = await transport({ method: 'GET', path: '/api/v1/found', sink: { write: (c) => chunks.push(c) } });
  assert.equal(ok.status, 200);
  assert.equal(ok.text, '');
  assert.ok(chunks.length > 1, 'more than one piece');
  assert.equal(chunks.join(''), BODY);
  const missing = await transport({ method: 'GET', path: '/api/v1/missing', sink: { write: () => assert.fail('a 404 is not the sink\'s') } });
  assert.equal(missing.status, 404);
  assert.equal(missing.text, BODY);
  // A sink that throws ends the read with its error, as a broken connection would.
  await assert.rejects(transport({ method: 'GET', path: '/api/v1/found', sink: { write: () => { throw new Error('no room'); } } }), /no room/);
});

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

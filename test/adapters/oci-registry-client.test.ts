import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOciRegistryClient } from '../../src/adapters/registry/index.ts';
import { AdapterError, NotFoundError } from '../../src/core/errors.ts';
import { generateSandboxTls } from '../../src/sandbox/tls.ts';
import { createImageStore } from '../../src/sandbox/registry/image-store.ts';
import { startRegistry, type RegistryServer } from '../../src/sandbox/registry/server.ts';
import { manifestBytes } from '../../src/sandbox/world/images.ts';

/** The registry adapter against the sandbox's OCI registry over HTTPS: bearer tokens, real digests, moving tags. */
let dir: string;
let server: RegistryServer;
const store = createImageStore();
const PASSWORD = 's3cret-pass-word';
let first = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rewind-registry-'));
  const tls = generateSandboxTls();
  await writeFile(join(dir, 'ca.crt'), tls.caCert);
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from(`reader:${PASSWORD}`).toString('base64') } } }));
  await writeFile(join(dir, 'wrong.json'), JSON.stringify({ auths: { 'ghcr.io': { username: 'reader', password: 'nope' } } }));
  first = store.push('acme/orders', '2.8.0', manifestBytes('orders', '2.8.0'));
  server = await startRegistry({ port: 0, tls, store, username: 'reader', password: PASSWORD });
});
after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (dockerConfig = join(dir, 'config.json')) =>
  createOciRegistryClient({ registries: [{ host: 'ghcr.io', url: server.url, caFile: join(dir, 'ca.crt') }], dockerConfig });

test('a tag resolves to the digest the registry serves, through the bearer-token dance', async () => {
  const r = await client().resolveDigest('ghcr.io/acme/orders:2.8.0');
  assert.equal(r.digest, first);
  assert.match(r.source, /^registry HEAD https:\/\/127\.0\.0\.1:\d+\/v2\/acme\/orders\/manifests\/2\.8\.0$/);
  const pinned = await client().resolveDigest(`ghcr.io/acme/orders@${first}`);
  assert.equal(pinned.digest, first, 'a pinned reference needs no registry');
});

test('a moved tag resolves to the new build', async () => {
  const c = client();
  const moved = store.push('acme/orders', '2.8.0', manifestBytes('orders', '2.8.0', 2));
  assert.notEqual(moved, first);
  assert.equal((await c.resolveDigest('ghcr.io/acme/orders:2.8.0')).digest, moved);
});

test('an unknown tag is NotFoundError; wrong credentials an AdapterError that never shows them', async () => {
  await assert.rejects(client().resolveDigest('ghcr.io/acme/orders:9.9.9'), NotFoundError);
  const err = await client(join(dir, 'wrong.json')).resolveDigest('ghcr.io/acme/orders:2.8.0').catch((e: unknown) => e);
  assert.ok(err instanceof AdapterError, String(err));
  assert.match(err.message, /refused the credentials \(HTTP 401\)/);
  assert.ok(!`${err.message} ${err.hint ?? ''}`.includes('nope'));
  const anon = await client(join(dir, 'absent.json')).resolveDigest('ghcr.io/acme/orders:2.8.0').catch((e: unknown) => e);
  assert.ok(anon instanceof AdapterError && /anonymous/.test(anon.message) && /no credentials for ghcr\.io/.test(anon.hint ?? ''), String(anon));
});

test("Docker Hub: credentials are found under docker login's https://index.docker.io/v1/ key", async () => {
  const hub = join(dir, 'hub.json');
  await writeFile(hub, JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from(`reader:${PASSWORD}`).toString('base64') } } }));
  const c = createOciRegistryClient({ registries: [{ host: 'docker.io', url: server.url, caFile: join(dir, 'ca.crt') }], dockerConfig: hub });
  const r = await c.resolveDigest('docker.io/acme/orders:2.8.0');
  assert.match(r.digest, /^sha256:[0-9a-f]{64}$/);
});

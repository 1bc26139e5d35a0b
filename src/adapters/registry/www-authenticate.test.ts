import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBearerChallenge } from './www-authenticate.ts';

test('bearer challenges: quoted and bare params, scope with colons and commas, other schemes refused', () => {
  assert.deepEqual(parseBearerChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/orders:pull,push"'), {
    realm: 'https://ghcr.io/token',
    service: 'ghcr.io',
    scope: 'repository:acme/orders:pull,push',
  });
  assert.deepEqual(parseBearerChallenge('bearer realm=https://r/t,error="insufficient_scope"'), { realm: 'https://r/t', error: 'insufficient_scope' });
  assert.equal(parseBearerChallenge('Basic realm="x"'), undefined);
  assert.equal(parseBearerChallenge('Bearer service="x"'), undefined, 'no realm, nowhere to ask');
});

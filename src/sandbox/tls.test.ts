import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateSandboxTls } from './tls.ts';

describe('generateSandboxTls', () => {
  // How long generation takes is the bench's business, not a test's (tests never time the machine).
  it('issues a 127.0.0.1 server certificate signed by a fresh CA', () => {
    const tls = generateSandboxTls();
    const ca = new X509Certificate(tls.caCert);
    const cert = new X509Certificate(tls.cert);
    assert.equal(ca.ca, true);
    assert.equal(cert.ca, false);
    assert.ok(cert.verify(ca.publicKey), 'signed by the CA');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.ok(cert.checkPrivateKey(createPrivateKey(tls.key)));
    assert.ok(new Date(cert.validFrom) <= new Date());
  });
});

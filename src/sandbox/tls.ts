/**
 * A throwaway certificate authority and a server certificate for the sandbox's HTTPS
 * endpoints, generated at start so clients verify TLS against a CA (never
 * `insecure-skip-tls-verify`).
 *
 * Keys come from Node's native RSA generator (~0.1-0.3 s for 2048 bits); node-forge
 * only builds and signs the X.509 certificates.
 *
 * ### Examples
 * ```ts
 * const pki = generateSandboxTls();
 * https.createServer({ cert: pki.cert, key: pki.key }, handler);
 * // kubeconfig: certificate-authority-data: base64(pki.caCert)
 * ```
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface SandboxTls {
  /** PEM of the CA certificate, for kubeconfig `certificate-authority-data` and client `ca` options. */
  readonly caCert: string;
  readonly caKey: string;
  /** PEM of the server certificate (SANs: IP 127.0.0.1, DNS localhost), signed by the CA. */
  readonly cert: string;
  readonly key: string;
}

export interface SandboxTlsOptions {
  /** Extra DNS names for the server certificate. */
  readonly dnsNames?: readonly string[];
  /** Extra IP addresses for the server certificate. */
  readonly ips?: readonly string[];
  readonly validDays?: number;
}

export function generateSandboxTls(options: SandboxTlsOptions = {}): SandboxTls {
  const validDays = options.validDays ?? 365;
  const ca = newKeyPair();
  const server = newKeyPair();
  // NOTE: TLS validity is checked against the real time, never the sandbox clock;
  // start an hour back to tolerate clock skew between processes.
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + validDays * 86400_000);

  const caAttrs = [{ name: 'commonName', value: 'rewind sandbox CA' }, { name: 'organizationName', value: 'rewind' }];
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = notBefore;
  caCert.validity.notAfter = notAfter;
  caCert.setSubject(caAttrs);
  caCert.setIssuer(caAttrs);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const cert = forge.pki.createCertificate();
  cert.publicKey = server.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: '127.0.0.1' }, { name: 'organizationName', value: 'rewind' }]);
  cert.setIssuer(caAttrs);
  const altNames = [
    { type: 7, ip: '127.0.0.1' },
    ...(options.ips ?? []).map((ip) => ({ type: 7, ip })),
    { type: 2, value: 'localhost' },
    ...(options.dnsNames ?? []).map((value) => ({ type: 2, value })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());

  return {
    caCert: forge.pki.certificateToPem(caCert),
    caKey: ca.privateKeyPem,
    cert: forge.pki.certificateToPem(cert),
    key: server.privateKeyPem,
  };
}

function newKeyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privateKeyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privateKeyPem);
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), privateKeyPem };
}

/** A positive 16-byte serial: a leading 0x01 keeps the DER integer from reading as negative. */
function serial(): string {
  return '01' + randomBytes(15).toString('hex');
}

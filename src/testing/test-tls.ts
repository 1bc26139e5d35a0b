/** A CA and a loopback server certificate for tests' own HTTPS servers (the sandbox's generator). */
export { generateSandboxTls, type SandboxTls } from '../sandbox/tls.ts';

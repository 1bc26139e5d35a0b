/**
 * Calls one of the sandbox's own endpoints (`/api/sandbox/v1/...`: forge merge, RBAC, faults)
 * over HTTPS with the Argo CD token, as its CI routes take it; for end-to-end suites.
 */
import { request } from 'node:https';
import type { SandboxProcess } from './sandbox-process.ts';

export function sandboxApi(sb: SandboxProcess, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, sb.argocdUrl), { method, ca: sb.ca, headers: { Authorization: `Bearer ${sb.token}`, 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = text ? (JSON.parse(text) as unknown) : undefined;
        } catch {
          // not JSON: the text is the answer
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

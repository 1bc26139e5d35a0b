import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from './index.ts';
import { findFreeBase, PortInUseError, probePort } from './ports.ts';

const listen = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });

test('a range taken between its probe and its bind is left for another one (no --port); with --port it is the user\'s error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-port-retry-'));
  const taken = await findFreeBase();
  // Argo CD's port of the first range goes to someone else after the probe, as a second sandbox starting at once would take it.
  const squatter = await listen(taken + 1);
  const lines: string[] = [];
  const bases = [taken];
  try {
    const sb = await startSandbox({
      dir,
      log: (l) => lines.push(l),
      findBase: async () => bases.shift() ?? findFreeBase(),
    });
    try {
      assert.notEqual(sb.ports.kube, taken, 'started on another range');
      assert.ok(lines.some((l) => l.includes(`port ${taken + 1} was taken after it was probed`)), lines.join('\n'));
      await assert.rejects(probePort(sb.ports.argocd), PortInUseError, 'its Argo CD holds its port');
    } finally {
      await sb.close();
    }
    await assert.rejects(startSandbox({ dir, port: taken }), (e: unknown) => e instanceof PortInUseError && e.port === taken + 1);
  } finally {
    squatter.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

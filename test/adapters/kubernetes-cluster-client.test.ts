/**
 * The Kubernetes adapter against the sandbox's Kubernetes API, through the kubeconfig the
 * sandbox writes (two contexts, TLS verified against its CA, bearer tokens).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createKubernetesClusterClient } from '../../src/adapters/kubernetes/index.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { runClusterClientSuite } from '../../src/testing/cluster-client-suite.ts';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { NAMESPACE, started, type Sandbox } from './sandbox-clients.ts';

let sb: Sandbox | undefined;
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

const kubeconfig = () => started(sb).kubeconfig;

for (const [context, name] of [['us-east', 'catalog'], ['eu-west', 'payments']] as const) {
  runClusterClientSuite({
    name: `kubernetes adapter against the sandbox (${context})`,
    create: () => createKubernetesClusterClient({ kubeconfigPath: kubeconfig(), context }),
    workload: { cluster: context, namespace: NAMESPACE, kind: 'Deployment', name },
  });
}

test('the digests match what kubectl reads from the same Pods', async () => {
  const w = await createKubernetesClusterClient({ kubeconfigPath: kubeconfig(), context: 'us-east' }).getWorkload({
    cluster: 'us-east',
    namespace: NAMESPACE,
    kind: 'Deployment',
    name: 'catalog',
  });
  const kubectl = execFileSync(
    'kubectl',
    ['--kubeconfig', kubeconfig(), '--context', 'us-east', '-n', NAMESPACE, 'get', 'pods', '-l', 'app=catalog', '-o', 'jsonpath={.items[*].status.containerStatuses[*].imageID} {.items[*].status.initContainerStatuses[*].imageID}'],
    { encoding: 'utf8' },
  )
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => id.replace(/^docker(-pullable)?:\/\//, ''));
  assert.deepEqual([...new Set(w.pods.map((p) => p.imageID))].sort(), [...new Set(kubectl)].sort());
});

test('an unknown context is a ConfigError naming the contexts the kubeconfig has', () => {
  assert.throws(() => createKubernetesClusterClient({ kubeconfigPath: kubeconfig(), context: 'ap-south' }), (e: unknown) => e instanceof ConfigError && /us-east/.test(e.hint ?? ''));
});

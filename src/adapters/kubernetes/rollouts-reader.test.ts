import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toRolloutFacts } from './rollouts-reader.ts';

const UID = 'ro-uid';
const owned = (uid: string) => [{ controller: true, uid }];
const rs = (hash: string, revision: string, replicas: number, image: string, uid = UID) => ({
  metadata: { name: `catalog-${hash}`, labels: { 'rollouts-pod-template-hash': hash }, annotations: { 'rollout.argoproj.io/revision': revision }, ownerReferences: owned(uid), creationTimestamp: '2026-05-20T14:00:00Z' },
  spec: { replicas, template: { spec: { containers: [{ name: 'catalog', image }], initContainers: [{ name: 'wait', image: 'wait:1' }] } } },
  status: { availableReplicas: replicas },
});
const rollout = {
  metadata: { name: 'catalog', namespace: 'ns', uid: UID, generation: 7 },
  spec: {
    replicas: 5,
    strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }, { analysis: { templates: [{ templateName: 'p99' }, { templateName: 'errors', clusterScope: true }], args: [{ name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' } }] } }, { pause: { duration: '1m' } }, { experiment: {} }] } },
    workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'catalog-tpl', scaleDown: 'onsuccess' },
    rollbackWindow: { revisions: 3 },
  },
  status: { phase: 'Paused', currentStepIndex: 1, stableRS: 'good', currentPodHash: 'bad', pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 'x' }], canary: { weights: { canary: { weight: 20, podTemplateHash: 'bad' }, stable: { weight: 80, podTemplateHash: 'good' } } } },
};

test('the Rollout as the plugin shows it: steps, weights, owned ReplicaSets with Pod digests, runs with their values, templates found or missing', () => {
  const f = toRolloutFacts({
    rollout,
    replicaSets: [rs('good', '3', 4, 'catalog:1.4.2'), rs('bad', '4', 1, 'catalog:1.5.0'), rs('other', '9', 2, 'x:1', 'someone-else')],
    pods: [{ metadata: { labels: { 'rollouts-pod-template-hash': 'bad' } }, status: { containerStatuses: [{ imageID: 'ghcr.io/acme/catalog@sha256:bad' }] } }],
    analysisRuns: [
      { metadata: { name: 'catalog-bad-4-2', labels: { 'rollout-type': 'Step', 'step-index': '2', 'rollouts-pod-template-hash': 'bad' }, annotations: { 'rollout.argoproj.io/revision': '4' }, ownerReferences: [{ uid: UID }] },
        spec: { metrics: [{ name: 'p99', successCondition: 'result[0] < 0.5', provider: { prometheus: { query: 'q' } } }] },
        status: { phase: 'Failed', metricResults: [{ name: 'p99', phase: 'Failed', failed: 1, measurements: [{ phase: 'Failed', value: '[0.9]' }] }] } },
      { metadata: { name: 'not-ours', ownerReferences: [{ uid: 'x' }] }, status: { phase: 'Successful' } },
    ],
    templates: { namespaced: [{ metadata: { name: 'p99' }, spec: { args: [{ name: 'hash' }], metrics: [{ name: 'p99', interval: '30s', count: 3, provider: { prometheus: { address: 'http://p', query: 'q{{args.hash}}' } } }] } }], cluster: [] },
  });
  assert.deepEqual(f.steps, [{ kind: 'setWeight', weight: 20 }, { kind: 'pause' }, { kind: 'analysis', templates: [{ name: 'p99', clusterScope: false }, { name: 'errors', clusterScope: true }] }, { kind: 'pause', duration: '1m' }, { kind: 'other', name: 'experiment' }]);
  assert.deepEqual([f.phase, f.currentStepIndex, f.canaryWeight, f.stableHash, f.currentHash, f.pauseReasons, f.replicas], ['Paused', 1, 20, 'good', 'bad', ['CanaryPauseStep'], 5]);
  assert.deepEqual(f.replicaSets.map((s) => [s.name, s.revision, s.replicas, s.digests]), [['catalog-good', 3, 4, []], ['catalog-bad', 4, 1, ['ghcr.io/acme/catalog@sha256:bad']]], 'only the ReplicaSets the Rollout controls');
  assert.deepEqual(f.replicaSets[0]?.images, [{ container: 'catalog', image: 'catalog:1.4.2' }, { container: 'wait', image: 'wait:1', init: true }]);
  assert.deepEqual(f.analysisRuns, [{ name: 'catalog-bad-4-2', phase: 'Failed', type: 'step', stepIndex: 2, podHash: 'bad', revision: 4, metrics: [{ name: 'p99', phase: 'Failed', provider: 'prometheus', query: 'q', successCondition: 'result[0] < 0.5', lastValue: '[0.9]', count: 1, failed: 1, inconclusive: 0, error: 0 }] }]);
  assert.deepEqual(f.missingTemplates, ['ClusterAnalysisTemplate errors']);
  assert.deepEqual(f.analysisTemplates, [{ name: 'p99', clusterScope: false, args: [{ name: 'hash' }], metrics: [{ name: 'p99', provider: 'prometheus', address: 'http://p', query: 'q{{args.hash}}', interval: '30s', count: 3 }] }]);
  assert.deepEqual(f.analysisArgs, [{ name: 'hash', podTemplateHashValue: 'Latest' }]);
  assert.deepEqual([f.workloadRef, f.rollbackWindow], [{ kind: 'Deployment', name: 'catalog-tpl', scaleDown: 'onsuccess' }, 3]);
});

test('templates that could not be listed are not called missing', () => {
  const f = toRolloutFacts({ rollout, replicaSets: [], pods: [], analysisRuns: [], templates: undefined });
  assert.deepEqual(f.missingTemplates, []);
});

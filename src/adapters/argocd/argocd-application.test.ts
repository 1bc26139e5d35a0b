import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toApplicationState } from './argocd-application.ts';

test('spec.ignoreDifferences and spec.syncPolicy.syncOptions are read as written; absent stays absent', () => {
  const app = toApplicationState({
    metadata: { name: 'indexer' },
    spec: {
      source: { repoURL: 'r', path: 'p' },
      destination: { namespace: 'ns' },
      syncPolicy: { automated: { selfHeal: true }, syncOptions: ['RespectIgnoreDifferences=true', 7] },
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', name: 'indexer', jsonPointers: ['/spec/replicas'] }, { kind: 'Service', jqPathExpressions: ['.spec.ports'] }],
    },
  });
  assert.deepEqual(app.syncOptions, ['RespectIgnoreDifferences=true']);
  assert.deepEqual(app.ignoreDifferences, [
    { group: 'apps', kind: 'Deployment', name: 'indexer', jsonPointers: ['/spec/replicas'], jqPathExpressions: [] },
    { group: '', kind: 'Service', jsonPointers: [], jqPathExpressions: ['.spec.ports'] },
  ]);
  const bare = toApplicationState({ metadata: { name: 'x' }, spec: { source: {}, destination: {} } });
  assert.equal('ignoreDifferences' in bare, false);
  assert.equal('syncOptions' in bare, false);
});

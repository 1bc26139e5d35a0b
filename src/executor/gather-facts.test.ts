import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeAnalyzer, ConfigRepo, FlagEvidenceReader, GitOpsClient } from '../core/ports.ts';
import { FakeFacts } from '../testing/fake-facts.ts';
import { gatherFacts } from './gather-facts.ts';

test("the flag evidence reads the config repo only once the window's revision resolved (after the plan's fetch), the diagnosis beside it", async () => {
  const facts = FakeFacts.seed().build();
  const app = { ...facts.app, flags: [{ key: 'catalog.new-search', provider: 'flagd' as const, gates: ['apps/catalog/**'], flagd: { file: 'apps/catalog/us-east/flags.json', configMap: 'catalog-flags' } }] };
  const calls: string[] = [];
  let release: (() => void) | undefined;
  const resolved = new Promise<void>((done) => (release = done));
  const repo = { resolve: async (rev: string) => (await resolved, calls.push('resolved'), rev) } as unknown as ConfigRepo;
  const diagnosis = { kinds: [], files: ['apps/catalog/us-east/kustomization.yaml'], images: [], commits: [] };
  const analyzer: ChangeAnalyzer = {
    diagnose: () => (calls.push('diagnose'), Promise.resolve(diagnosis)),
    migrations: () => Promise.resolve({ verdict: 'none', files: [] }),
  };
  const reader: FlagEvidenceReader = {
    evidence: async (from, to, files) => (calls.push('evidence'), { range: `${from.slice(0, 7)}..${to.slice(0, 7)}`, hunks: [], changes: [], otherChanges: [], files: await files }),
  };
  const gathering = gatherFacts(
    {
      gitops: { getApplication: () => Promise.resolve(facts.application!.value) } as unknown as GitOpsClient,
      cluster: { getWorkload: () => Promise.resolve(facts.workload.value) },
      repo,
      analyzer,
      flags: { reader, stores: () => Promise.resolve(undefined) },
      now: () => new Date(facts.now),
    },
    { app, argocdUrl: 'https://argocd.example' },
  );
  for (let i = 0; i < 20; i++) await new Promise((next) => setImmediate(next));
  assert.deepEqual(calls, ['diagnose'], 'the diagnosis starts beside the revision check; the flag evidence waits for it');
  release?.();
  const gathered = await gathering;
  assert.deepEqual(calls, ['diagnose', 'resolved', 'evidence']);
  assert.ok(gathered.flagEvidence, 'and the evidence is a fact');
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { decide } from '../core/decide.ts';
import type { ApplicationState } from '../core/domain.ts';
import type { Plan } from '../core/plan.ts';
import { resumeChanges } from '../core/resume-check.ts';
import { FakeFacts, SEED } from '../testing/fake-facts.ts';
import { createGitConfigRepo } from '../adapters/git/git-config-repo.ts';
import { createTestRepo } from '../adapters/git/git-test-repo.ts';
import { ownDeploys } from './own-deploys.ts';

// A real git repository: what decides is the trailer git parses, so the test goes through git.
const r = createTestRepo();
after(() => r.remove());
const flagFile = (v: string) => JSON.stringify({ flags: { 'catalog.new-search': { defaultVariant: v } } });
const from = r.commit('catalog: turn on the new search', { 'apps/catalog/us-east/flags.flagd.json': flagFile('on') });
const flip = (runId: string) => `rewind: turn catalog.new-search off\n\nThe kill switch for the incident.\n\nRewind-Run: ${runId}`;
const repo = createGitConfigRepo({ path: r.dir });

const facts = FakeFacts.seed().build();
const base = decide(facts);
const flagOff = { kind: 'flag.off', phase: 'mitigate' as const, title: 'turn the flag off', target: 'flag catalog.new-search', expectedSeconds: 5, evidence: [], checks: [], params: { key: 'catalog.new-search' } };
const plan: Plan = { ...base, from: { historyId: 42, revision: from }, steps: [flagOff], assumptions: { ...base.assumptions, 'argocd.latestHistoryId': 42 } };
const app: ApplicationState = facts.application?.value ?? assert.fail('seed has an app');
const deployed = (revision: string): ApplicationState => ({ ...app, history: [...app.history.filter((h) => h.id <= 42), { id: 42, revision: from, deployedAt: SEED.now }, { id: 43, revision, deployedAt: SEED.now }] });

describe('ownDeploys: a deploy is the run\'s own only when every commit in it carries the run\'s Rewind-Run trailer', () => {
  it('the run\'s own flip, shipped by auto-sync, is its own; resume goes on', async () => {
    r.git('checkout', '--quiet', '-B', 'own', from);
    const mine = r.commit(flip('run-a'), { 'apps/catalog/us-east/flags.flagd.json': flagFile('off') });
    const own = await ownDeploys(repo, plan, 'run-a', deployed(mine));
    assert.deepEqual([...own], [mine]);
    assert.deepEqual(resumeChanges(plan, deployed(mine), 'run-a', 'verify', SEED.now, own), []);
  });

  it('another run\'s flip of the same key, with the same subject, is a foreign deploy: resume is refused', async () => {
    r.git('checkout', '--quiet', '-B', 'other', from);
    const theirs = r.commit(flip('run-b'), { 'apps/catalog/us-east/flags.flagd.json': flagFile('off') });
    const own = await ownDeploys(repo, plan, 'run-a', deployed(theirs));
    assert.deepEqual([...own], []);
    assert.match(resumeChanges(plan, deployed(theirs), 'run-a', 'verify', SEED.now, own).join(), /a deploy this run did not make landed: history 43/);
  });

  it('the run\'s flip with someone else\'s commit on top is foreign too', async () => {
    r.git('checkout', '--quiet', '-B', 'mixed', from);
    r.commit(flip('run-a'), { 'apps/catalog/us-east/flags.flagd.json': flagFile('off') });
    const more = r.commit('catalog: raise the cache TTL', { 'apps/catalog/us-east/ttl.txt': '300' });
    assert.deepEqual([...(await ownDeploys(repo, plan, 'run-a', deployed(more)))], []);
  });

  it('a plan without a kill switch owns no deploy', async () => {
    r.git('checkout', '--quiet', '-B', 'noflag', from);
    const mine = r.commit(flip('run-a'), { 'apps/catalog/us-east/flags.flagd.json': flagFile('off') });
    assert.deepEqual([...(await ownDeploys(repo, { ...plan, steps: [] }, 'run-a', deployed(mine)))], []);
  });
});

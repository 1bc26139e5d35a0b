import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from './parse-config.ts';

const config = (app: string, repo = '') => `clusters:
  - name: us-east
    context: us-east
argocd:
  url: https://argocd.example.com
${repo}apps:
  - name: search
    cluster: us-east
    namespace: shop
${app}`;
const parse = (text: string) => parseConfig(text, '/etc/rewind/rewind.yaml', {});

describe('apps[].gitops and apps[].revert', () => {
  it('defaults to argocd; gitops: none is read', () => {
    assert.equal(parse(config('    workload: { kind: Deployment, name: search }\n')).config?.apps[0]?.gitops, 'argocd');
    const r = parse(config('    workload: { kind: Deployment, name: search }\n    gitops: none\n'));
    assert.deepEqual(r.errors, []);
    assert.equal(r.config?.apps[0]?.gitops, 'none');
  });
  it('accepts gitops: none on a Rollout (the plugin\'s abort and undo), and refuses a revert policy without a config repo commit to revert', () => {
    assert.deepEqual(parse(config('    workload: { kind: Rollout, name: search }\n    gitops: none\n')).errors, []);
    const r = parse(config('    workload: { kind: Rollout, name: search }\n    gitops: none\n    revert: push\n'));
    assert.deepEqual(r.errors.map((e) => e.message), [
      'app search has gitops: none: there is no config repo commit to revert',
    ]);
    assert.match(r.errors[0]?.where ?? '', /rewind.yaml:\d+:\d+/);
  });
  it('refuses a revert mode it does not know, and reads configRepo.tokenEnv as a reference', () => {
    assert.match(parse(config('    workload: { kind: Deployment, name: search }\n    revert: always\n')).errors[0]?.message ?? '', /revert/);
    const r = parse(config('    workload: { kind: Deployment, name: search }\n    revert: review\n', 'configRepo:\n  path: ./repo\n  tokenEnv: GIT_TOKEN\n'));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.config?.configRepo?.token, { env: 'GIT_TOKEN' });
    assert.equal(r.config?.apps[0]?.revert, 'review');
  });
  it('reads autoSyncHold (disable or pin) and refuses anything else, naming the line', () => {
    assert.equal(parse(config('    workload: { kind: Deployment, name: search }\n    autoSyncHold: pin\n')).config?.apps[0]?.autoSyncHold, 'pin');
    const bad = parse(config('    workload: { kind: Deployment, name: search }\n    autoSyncHold: freeze\n'));
    assert.equal(bad.config, undefined);
    assert.match(bad.errors[0]?.message ?? '', /autoSyncHold/);
    assert.match(bad.errors[0]?.where ?? '', /rewind.yaml:\d+:\d+/);
  });
});

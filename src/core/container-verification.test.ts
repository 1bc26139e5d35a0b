import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodImage } from './domain.ts';
import { verifyContainers, type ExpectedContainer, type ExpectedDigest } from './container-verification.ts';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const APP = `ghcr.io/acme/catalog@${d('a')}`;
const SIDECAR = `ghcr.io/acme/log-shipper@${d('5')}`;
const INIT = `ghcr.io/acme/wait-for-db@${d('1')}`;
const TAGGED = 'ghcr.io/acme/orders:2.8.0';
const expected: ExpectedContainer[] = [
  { name: 'catalog', image: APP, init: false },
  { name: 'log-shipper', image: SIDECAR, init: false },
  { name: 'wait-for-db', image: INIT, init: true },
];
const ran = (pod: string, name: string, image: string, runtimeImageID: string, init = false): PodImage => ({
  pod, container: name, image, imageID: runtimeImageID.replace(/^docker-pullable:\/\//, ''), runtimeImageID, ready: true, restartCount: 0, ...(init ? { init } : {}),
});
const podOf = (pod: string, fmt = (i: string) => i) => [
  ran(pod, 'catalog', APP, fmt(APP)),
  ran(pod, 'log-shipper', SIDECAR, fmt(SIDECAR)),
  ran(pod, 'wait-for-db', INIT, fmt(INIT), true),
];
const none = new Map<string, ExpectedDigest>();

test('every container and init container, pinned digests, any runtime format: verified', () => {
  const r = verifyContainers({ expected, digests: none, pods: [...podOf('p1'), ...podOf('p2', (i) => `docker-pullable://${i}`)], allowUnresolvedTags: false });
  assert.equal(r.verdict, 'verified', r.problems.join('\n'));
  assert.equal(r.checked.length, 6);
});

test('a sidecar the bad commit did not change is checked too, and a missing one is a problem', () => {
  const pods = podOf('p1').map((p) => (p.container === 'log-shipper' ? { ...p, imageID: `ghcr.io/acme/log-shipper@${d('6')}`, runtimeImageID: `ghcr.io/acme/log-shipper@${d('6')}` } : p));
  const r = verifyContainers({ expected, digests: none, pods, allowUnresolvedTags: false });
  assert.equal(r.verdict, 'failed');
  assert.match(r.problems[0] ?? '', /p1\/log-shipper: runs sha256:666/);
  const missing = verifyContainers({ expected, digests: none, pods: podOf('p1').filter((p) => !p.init), allowUnresolvedTags: false });
  assert.match(missing.problems.join(), /p1\/init:wait-for-db: missing/);
});

test('a Pod from the bad template fails by reference; a docker config id is never a match', () => {
  const BAD = `ghcr.io/acme/catalog@${d('b')}`;
  const pods = [...podOf('p1'), ran('by-hand', 'catalog', BAD, BAD)];
  const r = verifyContainers({ expected, digests: none, pods, allowUnresolvedTags: true });
  assert.equal(r.verdict, 'failed');
  assert.ok(r.problems.some((p) => p.startsWith('by-hand/catalog: spec image')));
  const local = podOf('p1').map((p) => (p.container === 'catalog' ? { ...p, runtimeImageID: `docker://${d('c')}` } : p));
  const u = verifyContainers({ expected, digests: none, pods: local, allowUnresolvedTags: true });
  assert.equal(u.verdict, 'unverified', 'not comparable is not waived by the tag policy');
  assert.match(u.unchecked[0] ?? '', /local image config id/);
});

test('tags: resolved through the registry, a moved tag detected, an unresolved tag not verified unless allowed', () => {
  const exp: ExpectedContainer[] = [{ name: 'orders', image: TAGGED, init: false }];
  const A = `ghcr.io/acme/orders@${d('a')}`;
  const pods = [ran('p1', 'orders', TAGGED, `docker-pullable://${A}`)];
  const resolved = new Map<string, ExpectedDigest>([[TAGGED, { kind: 'resolved', digest: d('a'), source: 'HEAD https://registry/v2/acme/orders/manifests/2.8.0' }]]);
  assert.equal(verifyContainers({ expected: exp, digests: resolved, pods, allowUnresolvedTags: false }).verdict, 'verified');
  const moved = new Map<string, ExpectedDigest>([[TAGGED, { kind: 'resolved', digest: d('f'), source: 'registry' }]]);
  const m = verifyContainers({ expected: exp, digests: moved, pods, allowUnresolvedTags: true });
  assert.equal(m.verdict, 'failed');
  assert.match(m.problems[0] ?? '', /the tag moved/);
  const unknown = new Map<string, ExpectedDigest>([[TAGGED, { kind: 'unresolved', reason: 'registry unreachable' }]]);
  const u = verifyContainers({ expected: exp, digests: unknown, pods, allowUnresolvedTags: false });
  assert.equal(u.verdict, 'unverified');
  assert.match(u.unchecked[0] ?? '', /digest of ghcr.io\/acme\/orders:2.8.0 is unknown \(registry unreachable\)/);
  assert.equal(verifyContainers({ expected: exp, digests: unknown, pods, allowUnresolvedTags: true }).verdict, 'verified');
});

test('never vacuous: no Pods fails, no template is unverified, a container not running is a problem', () => {
  assert.equal(verifyContainers({ expected, digests: none, pods: [], allowUnresolvedTags: true }).verdict, 'failed');
  assert.equal(verifyContainers({ expected: [], digests: none, pods: podOf('p1'), allowUnresolvedTags: true }).verdict, 'unverified');
  const pulling = podOf('p1').map((p) => (p.container === 'catalog' ? { ...p, imageID: '', runtimeImageID: '', waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } : p));
  const r = verifyContainers({ expected, digests: none, pods: pulling, allowUnresolvedTags: true });
  assert.equal(r.verdict, 'failed');
  assert.match(r.problems[0] ?? '', /not running \(ImagePullBackOff/);
});

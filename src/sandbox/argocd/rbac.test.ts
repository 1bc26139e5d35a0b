import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rbac } from './rbac.ts';

test('admin may do everything until a deny rule matches; deny wins over allow', () => {
  const rbac = new Rbac();
  assert.equal(rbac.allowed('admin', 'applications', 'action/argoproj.io/Rollout/abort', 'bookstore/bookstore-catalog-canary-us-east'), true);
  assert.equal(rbac.allowed('someone', 'applications', 'get', 'bookstore/x'), false);
  rbac.setPolicy('p, admin, applications, action/argoproj.io/Rollout/*, bookstore/*, deny');
  assert.equal(rbac.allowed('admin', 'applications', 'action/argoproj.io/Rollout/abort', 'bookstore/bookstore-catalog-canary-us-east'), false);
  assert.equal(rbac.allowed('admin', 'applications', 'action/apps/Deployment/restart', 'bookstore/x'), true);
  assert.equal(rbac.allowed('admin', 'applications', 'action/argoproj.io/Rollout/abort', 'default/x'), true);
  assert.throws(() => rbac.enforce('admin', 'applications', 'action/argoproj.io/Rollout/retry', 'bookstore/a'), /permission denied: applications, action\/argoproj.io\/Rollout\/retry, bookstore\/a, sub: admin/);
  // Roles: a group's rules apply to its members.
  rbac.setPolicy('p, role:oncall, applications, action/*, */*, allow\ng, alice, role:oncall');
  assert.equal(rbac.allowed('alice', 'applications', 'action/argoproj.io/Rollout/abort', 'bookstore/a'), true);
  assert.equal(rbac.allowed('alice', 'applications', 'sync', 'bookstore/a'), false);
});

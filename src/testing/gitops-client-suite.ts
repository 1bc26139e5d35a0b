/**
 * The contract every `GitOpsClient` keeps, run against each server (the sandbox's Argo CD API, a
 * real Argo CD). The read-only tests run always; `mutating: true` adds the runbook's Step 3 on a
 * throwaway app: refused rollback while auto-sync is on, disable (idempotent, prune/selfHeal
 * kept), rollback to the last-known-good, restore. Tests run in order and share the app.
 *
 * ### Examples
 * ```ts
 * runGitOpsClientSuite({
 *   name: 'argocd adapter against the sandbox',
 *   create: () => createArgoCdGitOpsClient({ url: sandbox.argocdUrl, token: sandbox.token, caFile: sandbox.ca }),
 *   app: 'bookstore-catalog-us-east',
 *   mutating: true,
 * });
 * ```
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import type { ApplicationState, HistoryEntry, SyncPolicy } from '../core/domain.ts';
import { SyncPolicy as Policy } from '../core/domain.ts';
import { AdapterError, NotFoundError } from '../core/errors.ts';
import type { GitOpsClient } from '../core/ports.ts';

export interface GitOpsClientSuiteOptions {
  readonly name: string;
  /** Called in each test, after the test file's `before` hooks. */
  readonly create: () => GitOpsClient | Promise<GitOpsClient>;
  /** An app with auto-sync on and at least two history entries on different revisions. */
  readonly app: string;
  /** Run the tests that change the app (never against an app that matters). */
  readonly mutating?: boolean;
  /** How long to wait for a rollback to land. */
  readonly timeoutMs?: number;
  /** Apps with a known owner (an ApplicationSet or an app-of-apps parent), whose rules the client must read. */
  readonly owned?: readonly { readonly app: string; readonly kind: 'ApplicationSet' | 'Application'; readonly name: string }[];
}

const FULL_HASH = /^[0-9a-f]{40}$/;

export function runGitOpsClientSuite(o: GitOpsClientSuiteOptions): void {
  const timeoutMs = o.timeoutMs ?? 60_000;
  let original: ApplicationState | undefined;

  test(`${o.name}: getApplication reports history oldest first with full hashes, sync and health`, async () => {
    const app = await (await o.create()).getApplication(o.app, { refresh: true });
    original ??= app;
    assert.equal(app.name, o.app);
    assert.ok(app.history.length >= 2, 'at least two history entries');
    const ids = app.history.map((h) => h.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'oldest first');
    assert.ok(app.history.length <= app.revisionHistoryLimit, 'never more than revisionHistoryLimit');
    for (const h of app.history) {
      assert.match(h.revision, FULL_HASH);
      assert.ok(!Number.isNaN(Date.parse(h.deployedAt)), `deployedAt ${h.deployedAt}`);
    }
    assert.match(app.sync.revision, FULL_HASH);
    assert.ok(['Synced', 'OutOfSync', 'Unknown'].includes(app.sync.status));
    assert.ok(app.source.repoURL && app.source.targetRevision);
    assert.ok(Object.isFrozen(app) && Object.isFrozen(app.history));
  });

  test(`${o.name}: an application that does not exist is a NotFoundError`, async () => {
    await assert.rejects((await o.create()).getApplication(`${o.app}-does-not-exist`), NotFoundError);
  });

  for (const owned of o.owned ?? []) {
    test(`${o.name}: ${owned.app} reports its owner ${owned.kind} ${owned.name} with what it re-applies`, async () => {
      const app = await (await o.create()).getApplication(owned.app);
      const owner = app.owner;
      assert.ok(owner, 'an owner');
      assert.equal(owner.kind, owned.kind);
      assert.equal(owner.name, owned.name);
      assert.equal(owner.unreadable, undefined, 'the owner could be read');
      assert.ok(Object.isFrozen(owner));
      if (owned.kind === 'ApplicationSet') {
        const rules = owner.applicationSet;
        assert.ok(rules, 'the ApplicationSet rules');
        assert.ok(rules.ignoredPointers.every((p) => p.startsWith('/')), `JSON pointers: ${rules.ignoredPointers.join(', ')}`);
        assert.ok(rules.applicationsSync === undefined || ['create-only', 'create-update', 'create-delete', 'sync'].includes(rules.applicationsSync));
        assert.equal(owner.parent, undefined);
      } else {
        assert.ok(owner.parent, 'the parent app policy');
        assert.equal(typeof owner.parent.selfHeal, 'boolean');
        assert.ok(!owner.parent.selfHeal || owner.parent.autoSync, 'self-heal only counts with auto-sync on');
        assert.equal(owner.applicationSet, undefined);
      }
    });
  }

  if (!o.mutating) return;

  test(`${o.name}: rollback is refused while auto-sync is on, and nothing changes`, async () => {
    const client = await o.create();
    const before = await client.getApplication(o.app);
    assert.ok(Policy.isAutoSyncOn(before.syncPolicy), 'the suite needs an app with auto-sync on');
    const target = lastKnownGood(before);
    await assert.rejects(client.rollback(o.app, target.id, { prune: false }), (e: unknown) => e instanceof AdapterError && /auto-sync/i.test(e.message));
    const after = await client.getApplication(o.app);
    assert.equal(after.history.length, before.history.length);
    assert.equal(after.sync.revision, before.sync.revision);
  });

  test(`${o.name}: disabling auto-sync is idempotent and keeps what the policy can keep`, async () => {
    const client = await o.create();
    const saved = (await client.getApplication(o.app)).syncPolicy;
    const off: SyncPolicy = saved.automated ? { automated: { ...saved.automated, enabled: false } } : { automated: null };
    await client.setSyncPolicy(o.app, off);
    await client.setSyncPolicy(o.app, off);
    const now = (await client.getApplication(o.app)).syncPolicy;
    assert.equal(Policy.isAutoSyncOn(now), false);
    if (now.automated && saved.automated) {
      assert.equal(now.automated.prune, saved.automated.prune, 'prune kept');
      assert.equal(now.automated.selfHeal, saved.automated.selfHeal, 'selfHeal kept');
    }
  });

  test(`${o.name}: an unknown history id is a NotFoundError`, async () => {
    await assert.rejects((await o.create()).rollback(o.app, 999_999, { prune: false }), NotFoundError);
  });

  test(`${o.name}: rollback to the last-known-good lands it and appends a history entry`, async () => {
    const client = await o.create();
    const before = await client.getApplication(o.app);
    const target = lastKnownGood(before);
    await client.rollback(o.app, target.id, { prune: false });
    const lastId = before.history.at(-1)?.id ?? 0;
    // NOTE: not `sync.revision`: like Argo CD, it stays the tracked branch's revision (the app is
    // OutOfSync after a rollback); what was deployed is the operation's and the new entry's revision.
    const landed = await waitFor(timeoutMs, async () => {
      const app = await client.getApplication(o.app);
      const newest = app.history.at(-1);
      const done = app.operation?.phase === 'Succeeded' && app.operation.revision === target.revision && (newest?.id ?? 0) > lastId;
      return done ? app : undefined;
    });
    assert.equal(landed.history.at(-1)?.revision, target.revision, 'a rollback is a sync: it appends an entry');
    assert.equal(landed.sync.revision, before.sync.revision, 'sync.revision still tracks the branch');
  });

  test(`${o.name}: targetRevision can be pinned and the saved sync policy restored`, async () => {
    const client = await o.create();
    const app = await client.getApplication(o.app);
    await client.setTargetRevision(o.app, app.sync.revision);
    const pinned = await client.getApplication(o.app);
    assert.equal(pinned.source.targetRevision, app.sync.revision);
    assert.deepEqual({ ...pinned.source, targetRevision: app.source.targetRevision }, app.source, 'only the revision changed');
    assert.deepEqual(pinned.destination, app.destination);
    assert.deepEqual(pinned.syncPolicy, app.syncPolicy, 'the pin leaves the sync policy alone');
    const saved = original ?? app;
    await client.setTargetRevision(o.app, saved.source.targetRevision);
    await client.setSyncPolicy(o.app, saved.syncPolicy);
    const restored = await client.getApplication(o.app);
    assert.equal(restored.source.targetRevision, saved.source.targetRevision);
    assert.deepEqual(restored.syncPolicy, saved.syncPolicy);
  });
}

/** The runbook's pre-flight 2: the newest entry older than the current one on a different revision. */
function lastKnownGood(app: ApplicationState): HistoryEntry {
  const current = app.history.at(-1);
  const target = [...app.history].reverse().find((h) => h.id !== current?.id && h.revision !== current?.revision);
  assert.ok(target, 'the suite needs two history entries on different revisions');
  return target;
}

async function waitFor<T>(timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`not reached within ${timeoutMs} ms`);
    await delay(200);
  }
}

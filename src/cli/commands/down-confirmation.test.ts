import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Plan } from '../../core/plan.ts';
import { RefusedError } from '../../core/errors.ts';
import { confirmDownMigrations } from './down-confirmation.ts';

const plan = (confirmation: 'confirm' | 'auto') => ({
  app: 'catalog',
  steps: [
    { kind: 'argocd.write-hold', params: {} },
    { kind: 'db.down-migration', params: { path: 'm/0042.down.sql', sql: 'x', atomic: true, drops: ['column books.x'], confirmation } },
  ],
}) as unknown as Plan;
const never = () => Promise.reject(new Error('must not ask'));

describe('the down migration needs its own confirmation', () => {
  it('--yes alone is refused, naming the flag to add', async () => {
    await assert.rejects(confirmDownMigrations(plan('confirm'), { confirmed: false, dryRun: false, yes: true, tty: true, ask: never }), (e: Error) => {
      assert.ok(e instanceof RefusedError);
      assert.match(e.message, /refusing to run the down migration m\/0042\.down\.sql \(drops column books\.x\)/);
      assert.match((e as RefusedError & { hint?: string }).hint ?? '', /--yes --confirm-down-migration/);
      return true;
    });
  });
  it('no terminal and no flag is refused as well', async () => {
    await assert.rejects(confirmDownMigrations(plan('confirm'), { confirmed: false, dryRun: false, yes: false, tty: false, ask: never }), RefusedError);
  });
  it('--confirm-down-migration, policy auto, or a dry run pass without asking', async () => {
    assert.equal(await confirmDownMigrations(plan('confirm'), { confirmed: true, dryRun: false, yes: true, tty: false, ask: never }), true);
    assert.equal(await confirmDownMigrations(plan('auto'), { confirmed: false, dryRun: false, yes: true, tty: false, ask: never }), true);
    assert.equal(await confirmDownMigrations(plan('confirm'), { confirmed: false, dryRun: true, yes: true, tty: false, ask: never }), true);
  });
  it('on a terminal without --yes it asks, and a no stops the run', async () => {
    let asked = '';
    assert.equal(await confirmDownMigrations(plan('confirm'), { confirmed: false, dryRun: false, yes: false, tty: true, ask: (q) => { asked = q; return Promise.resolve(false); } }), false);
    assert.match(asked, /Run the down migration m\/0042\.down\.sql .* before the code rollback\?/);
  });
});

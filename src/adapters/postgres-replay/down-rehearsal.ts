import { judgeTransaction } from '../../analyzers/sql-migration/transaction-blockers.ts';
import { loadParser } from '../../analyzers/sql-migration/pg-parser.ts';
import type { DownRehearsal, DownRehearsalResult } from '../../core/ports.ts';
import { ReplayFailure, type ReplayTarget } from './replay-target.ts';

/**
 * `--dry-run` for a down migration: the replay `rewind migrations verify` uses, on a throwaway
 * database (`open`: a fresh database on the app's server, dropped after), given the live
 * schema's shape and then the down, as `db.down-migration` would run it (one transaction when
 * every statement allows it, else one by one).
 */
export function createDownRehearsal(open: () => Promise<ReplayTarget>): DownRehearsal {
  return {
    async rehearse({ schema, sql }): Promise<DownRehearsalResult> {
      // `finish --dry-run` of a resumed run never planned in this process: load the parser here.
      await loadParser();
      const judged = judgeTransaction(sql);
      const target = await open();
      try {
        const where = target.description;
        if (judged.kind === 'unparseable') return { ok: false, target: where, stage: 'down', statement: 1, error: judged.message };
        for (const [i, ddl] of schema.entries()) {
          try {
            await target.exec(ddl);
          } catch (e) {
            if (!(e instanceof ReplayFailure)) throw e;
            return { ok: false, target: where, stage: 'schema', statement: i + 1, error: `${e.message} (in: ${ddl.slice(0, 120)})` };
          }
        }
        const atomic = judged.kind === 'transactional';
        let n = 0;
        try {
          if (atomic) await target.exec('BEGIN');
          for (const statement of judged.statements) {
            n++;
            await target.exec(statement);
          }
          if (atomic) await target.exec('COMMIT');
        } catch (e) {
          if (!(e instanceof ReplayFailure)) throw e;
          if (atomic) await target.exec('ROLLBACK').catch(() => undefined);
          return { ok: false, target: where, stage: 'down', statement: n, error: e.message };
        }
        return { ok: true, target: where, statements: judged.statements.length, inTransaction: atomic };
      } finally {
        await target.close();
      }
    },
  };
}

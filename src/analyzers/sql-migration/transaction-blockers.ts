/**
 * Which statements of a down migration PostgreSQL refuses inside a transaction block: the calls
 * of `PreventInTransactionBlock` in PostgreSQL 15 (`src/backend/tcop/utility.c` for VACUUM,
 * CREATE/DROP DATABASE, CREATE/DROP TABLESPACE, ALTER SYSTEM, DROP INDEX CONCURRENTLY;
 * `commands/indexcmds.c` for CREATE INDEX CONCURRENTLY and REINDEX CONCURRENTLY / SCHEMA /
 * SYSTEM / DATABASE; `commands/cluster.c` for CLUSTER without a table; `commands/discard.c`).
 * ALTER TYPE ... ADD VALUE runs in a transaction since PostgreSQL 12, so it is not listed.
 */
import type { Node } from 'libpg-query';
import { as } from './pg-ast.ts';
import { parseSql } from './pg-parser.ts';

export type TransactionJudgement =
  | { readonly kind: 'transactional'; readonly statements: readonly string[] }
  /** At least one statement cannot run in a transaction: every statement runs on its own, in order. */
  | { readonly kind: 'per-statement'; readonly statements: readonly string[]; readonly blockers: readonly string[] }
  | { readonly kind: 'unparseable'; readonly message: string };

function blocker(node: Node): string | undefined {
  if (as(node, 'IndexStmt')?.concurrent) return 'CREATE INDEX CONCURRENTLY';
  const drop = as(node, 'DropStmt');
  if (drop?.concurrent) return 'DROP INDEX CONCURRENTLY';
  if (as(node, 'VacuumStmt')) return as(node, 'VacuumStmt')?.is_vacuumcmd === false ? undefined : 'VACUUM';
  if (as(node, 'CreatedbStmt')) return 'CREATE DATABASE';
  if (as(node, 'DropdbStmt')) return 'DROP DATABASE';
  if (as(node, 'CreateTableSpaceStmt')) return 'CREATE TABLESPACE';
  if (as(node, 'DropTableSpaceStmt')) return 'DROP TABLESPACE';
  if (as(node, 'AlterSystemStmt')) return 'ALTER SYSTEM';
  const reindex = as(node, 'ReindexStmt');
  if (reindex) {
    const concurrent = (reindex.params ?? []).some((p) => as(p, 'DefElem')?.defname === 'concurrently');
    if (concurrent) return 'REINDEX CONCURRENTLY';
    if (reindex.kind === 'REINDEX_OBJECT_SCHEMA' || reindex.kind === 'REINDEX_OBJECT_SYSTEM' || reindex.kind === 'REINDEX_OBJECT_DATABASE') return `REINDEX ${reindex.kind.replace('REINDEX_OBJECT_', '')}`;
  }
  const cluster = as(node, 'ClusterStmt');
  if (cluster && !cluster.relation) return 'CLUSTER (every table)';
  if (as(node, 'DiscardStmt')?.target === 'DISCARD_ALL') return 'DISCARD ALL';
  return undefined;
}

/** Splits the down into statements (by the real parser) and says whether they can share one transaction. */
export function judgeTransaction(sql: string): TransactionJudgement {
  const parsed = parseSql(sql);
  if (parsed.kind === 'error') return { kind: 'unparseable', message: parsed.message };
  const bytes = Buffer.from(sql, 'utf8');
  const statements = parsed.statements.map((s) => bytes.subarray(s.start, s.end).toString('utf8').trim()).filter((s) => s !== '');
  const blockers = parsed.statements.map((s) => blocker(s.node)).filter((b): b is string => b !== undefined);
  return blockers.length > 0 ? { kind: 'per-statement', statements, blockers } : { kind: 'transactional', statements };
}

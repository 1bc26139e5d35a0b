import type { Node } from 'libpg-query';
import { as, nameOf, relName, typeOf, typeNameOf } from '../pg-ast.ts';
import { defineRule, type RuleHit } from '../rule.ts';
import { alterCmds } from './alter-table-cmds.ts';
import { isSerial } from './add-required-column-rule.ts';

// ALTER TABLE sub-commands that change storage, statistics or planner settings only.
const physical = new Set([
  'AT_SetStatistics', 'AT_SetOptions', 'AT_ResetOptions', 'AT_SetStorage', 'AT_SetCompression', 'AT_ClusterOn', 'AT_DropCluster',
  'AT_SetLogged', 'AT_SetUnLogged', 'AT_SetAccessMethod', 'AT_SetTableSpace', 'AT_SetRelOptions', 'AT_ResetRelOptions',
  'AT_ReplaceRelOptions', 'AT_ReplicaIdentity', 'AT_DisableRowSecurity', 'AT_NoForceRowSecurity', 'AT_GenericOptions',
  'AT_ValidateConstraint', 'AT_AddIdentity', 'AT_SetIdentity',
]);

// Statements that add things the old binary never looks at, or change nothing it sees.
const additive: Partial<Record<string, (n: Node) => string | undefined>> = {
  CreateStmt: (n) => `create table ${relName(as(n, 'CreateStmt')?.relation)}`,
  CreateTableAsStmt: (n) => `create ${as(n, 'CreateTableAsStmt')?.objtype === 'OBJECT_MATVIEW' ? 'materialized view' : 'table'} ${relName(as(n, 'CreateTableAsStmt')?.into?.rel)}`,
  ViewStmt: (n) => (as(n, 'ViewStmt')?.replace ? undefined : `create view ${relName(as(n, 'ViewStmt')?.view)}`),
  IndexStmt: (n) => (as(n, 'IndexStmt')?.unique ? undefined : `create index ${as(n, 'IndexStmt')?.idxname ?? ''} on ${relName(as(n, 'IndexStmt')?.relation)}`.replace('  ', ' ')),
  CreateFunctionStmt: (n) => (as(n, 'CreateFunctionStmt')?.replace ? undefined : `create function ${nameOf(as(n, 'CreateFunctionStmt')?.funcname)}`),
  CommentStmt: () => 'comment',
  GrantStmt: (n) => (as(n, 'GrantStmt')?.is_grant ? 'grant privileges' : undefined),
  GrantRoleStmt: (n) => (as(n, 'GrantRoleStmt')?.is_grant ? 'grant role' : undefined),
  AlterEnumStmt: (n) => (as(n, 'AlterEnumStmt')?.oldVal ? undefined : `add value '${as(n, 'AlterEnumStmt')?.newVal ?? ''}' to enum ${nameOf(as(n, 'AlterEnumStmt')?.typeName)}`),
  CreateSeqStmt: (n) => `create sequence ${relName(as(n, 'CreateSeqStmt')?.sequence)}`,
  AlterSeqStmt: (n) => `alter sequence ${relName(as(n, 'AlterSeqStmt')?.sequence)}`,
  CreateExtensionStmt: (n) => `create extension ${as(n, 'CreateExtensionStmt')?.extname ?? ''}`,
  CreateSchemaStmt: (n) => `create schema ${as(n, 'CreateSchemaStmt')?.schemaname ?? ''}`,
  CreateEnumStmt: (n) => `create enum ${nameOf(as(n, 'CreateEnumStmt')?.typeName)}`,
  CompositeTypeStmt: (n) => `create type ${relName(as(n, 'CompositeTypeStmt')?.typevar)}`,
  CreateDomainStmt: (n) => `create domain ${nameOf(as(n, 'CreateDomainStmt')?.domainname)}`,
  CreateRangeStmt: (n) => `create range type ${nameOf(as(n, 'CreateRangeStmt')?.typeName)}`,
  CreateStatsStmt: () => 'create statistics',
  TransactionStmt: () => 'transaction control',
  // SET is session-local: it only affects the migration's own connection.
  VariableSetStmt: () => 'session setting',
  RefreshMatViewStmt: (n) => `refresh materialized view ${relName(as(n, 'RefreshMatViewStmt')?.relation)}`,
  VacuumStmt: () => 'vacuum/analyze',
  ClusterStmt: () => 'cluster',
  ReindexStmt: () => 'reindex',
  LockStmt: () => 'lock (transaction-scoped)',
  DoStmt: () => 'DO block',
};

export const additiveChangeRule = defineRule(
  {
    id: 'RW400',
    name: 'additive-change',
    verdict: 'safe',
    why: 'new tables, nullable columns or columns with a default, non-unique indexes, new views, functions, types, enum values, sequences, extensions, comments, grants, SET DEFAULT: the old binary never looks at them or keeps working',
    hint: 'nothing to do',
  },
  (stmt) => {
    const hits: RuleHit[] = [];
    const type = typeOf(stmt);
    const describe = type ? additive[type] : undefined;
    const change = describe?.(stmt);
    if (change !== undefined) hits.push({ message: change, change });
    for (const a of alterCmds(stmt)) {
      const st = a.cmd.subtype ?? '';
      const col = as(a.cmd.def, 'ColumnDef');
      if (st === 'AT_AddColumn' && col) {
        const cons = (col.constraints ?? []).map((c) => as(c, 'Constraint')?.contype);
        const filled = cons.includes('CONSTR_DEFAULT') || cons.includes('CONSTR_GENERATED') || cons.includes('CONSTR_IDENTITY') || Boolean(col.identity) || isSerial(col.typeName);
        // NOT NULL without a default is RW112's part, not additive.
        if (!filled && (col.is_not_null || cons.includes('CONSTR_NOTNULL') || cons.includes('CONSTR_PRIMARY'))) continue;
        const how = isSerial(col.typeName) ? 'serial' : cons.includes('CONSTR_GENERATED') ? 'generated' : cons.includes('CONSTR_DEFAULT') ? 'with default' : cons.includes('CONSTR_IDENTITY') ? 'identity' : 'nullable';
        const c = `add column ${a.table}.${col.colname ?? '?'} ${typeNameOf(col.typeName)} (${how})`;
        hits.push({ part: a.part, message: c, change: c });
      } else if (st === 'AT_ColumnDefault' && a.cmd.def !== undefined) {
        hits.push({ part: a.part, message: `set default of ${a.table}.${a.cmd.name ?? '?'}`, change: `set default of ${a.table}.${a.cmd.name ?? '?'}` });
      } else if (physical.has(st)) {
        const c = `${st.replace(/^AT_/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} on ${a.table}`;
        hits.push({ part: a.part, message: c, change: c });
      }
    }
    const dom = as(stmt, 'AlterDomainStmt');
    if (dom?.subtype === 'T' && dom.def !== undefined) {
      hits.push({ message: `alter domain ${nameOf(dom.typeName)}`, change: `alter domain ${nameOf(dom.typeName)}` });
    }
    return hits;
  },
);

import { as, nameOf, relName } from '../pg-ast.ts';
import { defineRule, relation, type RuleHit } from '../rule.ts';
import { alterCmds } from './alter-table-cmds.ts';

export const accessChangeRule = defineRule(
  {
    id: 'RW212',
    name: 'access-change',
    verdict: 'review',
    why: 'REVOKE, row-level security, policies and owner changes can hide rows from or deny the old binary’s role',
    hint: 'check which role the old binary connects as, and that it keeps the privileges and rows it needs',
  },
  (stmt) => {
    const hits: RuleHit[] = [];
    const g = as(stmt, 'GrantStmt');
    if (g && !g.is_grant) hits.push({ message: 'revokes privileges: if the old binary’s role loses them, its queries fail with permission denied', change: 'revoke privileges' });
    const gr = as(stmt, 'GrantRoleStmt');
    if (gr && !gr.is_grant) hits.push({ message: 'revokes role membership: the old binary’s role may lose privileges it relies on', change: 'revoke role membership' });
    const pol = as(stmt, 'CreatePolicyStmt') ?? as(stmt, 'AlterPolicyStmt');
    if (pol) {
      const t = relName(pol.table);
      hits.push({ subject: relation(t), message: `changes row-level security policy ${pol.policy_name ?? ''} on ${t}: with RLS enabled, rows may disappear from the old binary’s queries`, change: `policy on ${t}` });
    }
    for (const a of alterCmds(stmt)) {
      if (a.cmd.subtype === 'AT_EnableRowSecurity' || a.cmd.subtype === 'AT_ForceRowSecurity')
        hits.push({ part: a.part, subject: relation(a.table), message: `enables row-level security on ${a.table}: without a policy that admits the old binary’s role, its queries see no rows`, change: `enable row-level security on ${a.table}` });
      if (a.cmd.subtype === 'AT_ChangeOwner')
        hits.push({ part: a.part, subject: relation(a.table), message: `changes the owner of ${a.table}: the old binary’s role may lose implicit privileges`, change: `change owner of ${a.table}` });
    }
    const own = as(stmt, 'AlterOwnerStmt');
    if (own) hits.push({ message: `changes the owner of ${own.relation ? relName(own.relation) : nameOf(as(own.object, 'List')?.items)}: the old binary’s role may lose implicit privileges`, change: 'change owner' });
    return hits;
  },
);

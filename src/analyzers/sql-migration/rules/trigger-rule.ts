import { as, nameOf, objectName, relName } from '../pg-ast.ts';
import { defineRule, relation, type RuleHit } from '../rule.ts';
import { alterCmds } from './alter-table-cmds.ts';

const toggles = new Set(['AT_EnableTrig', 'AT_EnableAlwaysTrig', 'AT_EnableReplicaTrig', 'AT_DisableTrig', 'AT_EnableTrigAll', 'AT_DisableTrigAll', 'AT_EnableTrigUser', 'AT_DisableTrigUser']);

export const triggerRule = defineRule(
  {
    id: 'RW209',
    name: 'trigger-change',
    verdict: 'review',
    why: 'triggers run on the old binary’s writes too: a new trigger may reject or rewrite them, a dropped one stops work old code relied on',
    hint: 'check the trigger function against the writes the old binary makes',
  },
  (stmt) => {
    const hits: RuleHit[] = [];
    const t = as(stmt, 'CreateTrigStmt');
    if (t) {
      const table = relName(t.relation);
      hits.push({
        subject: relation(table),
        message: `${t.replace ? 'creates or replaces' : 'creates'} trigger ${t.trigname ?? '?'} on ${table} calling ${nameOf(t.funcname)}: it also runs on the old binary’s writes`,
        change: `create trigger ${t.trigname ?? '?'} on ${table}`,
      });
    }
    const drop = as(stmt, 'DropStmt');
    if (drop?.removeType === 'OBJECT_TRIGGER') {
      for (const o of drop.objects ?? []) {
        const name = objectName(o);
        hits.push({ subject: { kind: 'trigger', name }, message: `drops trigger ${name}: whatever it did on the old binary’s writes no longer happens`, change: `drop trigger ${name}` });
      }
    }
    for (const a of alterCmds(stmt)) {
      if (!a.cmd.subtype || !toggles.has(a.cmd.subtype)) continue;
      const on = a.cmd.subtype.startsWith('AT_Enable');
      hits.push({
        part: a.part,
        subject: relation(a.table),
        message: `${on ? 'enables' : 'disables'} trigger ${a.cmd.name ?? '(all)'} on ${a.table}: the old binary’s writes ${on ? 'now fire it' : 'no longer fire it'}`,
        change: `${on ? 'enable' : 'disable'} trigger on ${a.table}`,
      });
    }
    return hits;
  },
);

import type { Node } from 'libpg-query';
import { as, typeOf, type NodeType } from './pg-ast.ts';
import type { Rule, RuleHit, RuleMeta } from './rule.ts';
import { ruleStatementTypes, statementRules } from './rules/index.ts';
import { engineFindings } from './rules/engine-findings.ts';

export interface Hit extends RuleHit {
  readonly meta: RuleMeta;
}

/**
 * Every rule's hits on one statement. A statement no rule claims, and each ALTER TABLE
 * sub-command no rule claims, is `review` (RW299): unknown is never silently safe.
 */
export function judgeStatement(stmt: Node, rules: readonly Rule[] = statementRules): Hit[] {
  const hits: Hit[] = [];
  for (const rule of rulesFor(rules, typeOf(stmt))) for (const h of rule.check(stmt)) hits.push({ ...h, meta: rule });
  const alter = as(stmt, 'AlterTableStmt');
  if (alter) {
    const covered = new Set(hits.map((h) => h.part));
    (alter.cmds ?? []).forEach((c, i) => {
      if (covered.has(i)) return;
      const sub = as(c, 'AlterTableCmd')?.subtype?.replace(/^AT_/, '') ?? 'unknown';
      hits.push({ meta: engineFindings.unclassified, part: i, message: `ALTER ${objLabel(alter.objtype)} sub-command ${sub}: no rule knows it to be harmless for the old binary`, change: `alter ${sub}` });
    });
    return hits;
  }
  if (hits.length === 0) {
    const type = typeOf(stmt) ?? 'statement';
    const drop = as(stmt, 'DropStmt');
    const what = drop ? `DROP ${drop.removeType?.replace(/^OBJECT_/, '') ?? ''}` : type.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
    hits.push({ meta: engineFindings.unclassified, message: `${what}: no rule knows this statement to be harmless for the old binary`, change: what.toLowerCase() });
  }
  return hits;
}

const byType = new WeakMap<readonly Rule[], Map<NodeType | undefined, readonly Rule[]>>();

/** The rules (in their order) that may hit a statement of `type`; see ruleStatementTypes. */
function rulesFor(rules: readonly Rule[], type: NodeType | undefined): readonly Rule[] {
  let cache = byType.get(rules);
  if (!cache) byType.set(rules, (cache = new Map<NodeType | undefined, readonly Rule[]>()));
  let list = cache.get(type);
  if (!list) {
    list = rules.filter((r) => {
      const on = ruleStatementTypes.get(r);
      return !on || (type !== undefined && on.includes(type));
    });
    cache.set(type, list);
  }
  return list;
}

function objLabel(t: string | undefined): string {
  return (t ?? 'OBJECT_TABLE').replace(/^OBJECT_/, '').toUpperCase();
}

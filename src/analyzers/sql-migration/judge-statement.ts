import type { Node } from 'libpg-query';
import { as, typeOf, type NodeOf, type NodeType } from './pg-ast.ts';
import type { Rule, RuleHit, RuleMeta } from './rule.ts';
import { ruleAlterSubtypes, ruleStatementTypes, statementRules } from './rules/index.ts';
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
  // NOTE: every field named, not `{ ...h, meta }`: the rules' hits come in many shapes, and a spread of them is V8's slow generic copy.
  eachHit(stmt, (meta, h) => hits.push({ message: h.message, subject: h.subject, verdict: h.verdict, part: h.part, change: h.change, meta }), rules);
  return hits;
}

/**
 * judgeStatement's hits, in its order, handed to `visit` as each rule gives them (no Hit copied,
 * no list): the linter judges every statement of a file, most with one hit.
 */
export function eachHit(stmt: Node, visit: (meta: RuleMeta, hit: RuleHit) => void, rules: readonly Rule[] = statementRules): void {
  const alter = as(stmt, 'AlterTableStmt');
  let any = false;
  // Sub-commands some hit covers, by index (bit i: cmds[i]); an ALTER past 31 sub-commands keeps a set.
  let parts = 0;
  let moreParts: Set<number> | undefined;
  for (const rule of rulesFor(rules, typeOf(stmt), alter)) {
    for (const h of rule.check(stmt)) {
      any = true;
      if (h.part !== undefined) {
        if (h.part >= 0 && h.part < 31) parts |= 1 << h.part;
        else (moreParts ??= new Set()).add(h.part);
      }
      visit(rule, h);
    }
  }
  if (alter) {
    (alter.cmds ?? []).forEach((c, i) => {
      if (i < 31 ? (parts & (1 << i)) !== 0 : moreParts?.has(i)) return;
      const sub = as(c, 'AlterTableCmd')?.subtype?.replace(/^AT_/, '') ?? 'unknown';
      visit(engineFindings.unclassified, { part: i, message: `ALTER ${objLabel(alter.objtype)} sub-command ${sub}: no rule knows it to be harmless for the old binary`, change: `alter ${sub}` });
    });
    return;
  }
  if (!any) {
    const type = typeOf(stmt) ?? 'statement';
    const drop = as(stmt, 'DropStmt');
    const what = drop ? `DROP ${drop.removeType?.replace(/^OBJECT_/, '') ?? ''}` : type.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
    visit(engineFindings.unclassified, { message: `${what}: no rule knows this statement to be harmless for the old binary`, change: what.toLowerCase() });
  }
}

interface RuleLists {
  readonly byType: Map<NodeType | undefined, readonly Rule[]>;
  /** ALTER TABLEs' lists, by their sub-command types in order (most ALTERs carry one, so few keys). */
  readonly byAlter: Map<string, readonly Rule[]>;
}
const lists = new WeakMap<readonly Rule[], RuleLists>();

/**
 * The rules (in their order) that may hit a statement of `type`, and on an ALTER TABLE the rules
 * for the sub-commands it has; see ruleStatementTypes and ruleAlterSubtypes.
 */
function rulesFor(rules: readonly Rule[], type: NodeType | undefined, alter: NodeOf<'AlterTableStmt'> | undefined): readonly Rule[] {
  let cache = lists.get(rules);
  if (!cache) lists.set(rules, (cache = { byType: new Map(), byAlter: new Map() }));
  const subtypes = alter ? (alter.cmds ?? []).map((c) => as(c, 'AlterTableCmd')?.subtype ?? '') : undefined;
  const key = subtypes ? (subtypes.length === 1 ? (subtypes[0] ?? '') : subtypes.join(' ')) : undefined;
  let list = key === undefined ? cache.byType.get(type) : cache.byAlter.get(key);
  if (!list) {
    list = rules.filter((r) => {
      const on = ruleStatementTypes.get(r);
      if (on && (type === undefined || !on.includes(type))) return false;
      const parts = subtypes && ruleAlterSubtypes.get(r);
      return !parts || subtypes.some((s) => parts.includes(s));
    });
    if (key === undefined) cache.byType.set(type, list);
    else cache.byAlter.set(key, list);
  }
  return list;
}

function objLabel(t: string | undefined): string {
  return (t ?? 'OBJECT_TABLE').replace(/^OBJECT_/, '').toUpperCase();
}

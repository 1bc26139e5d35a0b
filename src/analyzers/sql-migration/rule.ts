import type { Node } from 'libpg-query';
import type { Verdict } from './verdict.ts';

/** What a hit is about; when the window created it, the old binary never knew it and the hit is safe. */
export interface Subject {
  readonly kind: 'relation' | 'column' | 'type' | 'function' | 'schema' | 'index' | 'constraint' | 'trigger';
  /** Bare lower-case name; columns are "table.column". */
  readonly name: string;
}

export interface RuleHit {
  readonly message: string;
  readonly subject?: Subject;
  /** Overrides the rule's verdict for this hit (e.g. a drop-default hit on a column the window added). */
  readonly verdict?: Verdict;
  /** Index of the ALTER TABLE sub-command this hit covers; uncovered sub-commands are `review`. */
  readonly part?: number;
  /** Short description for the rollback note: "drop column orders.qty". */
  readonly change?: string;
}

export interface RuleMeta {
  /** Stable id, e.g. "RW101". Never reused for another meaning. */
  readonly id: string;
  readonly name: string;
  readonly verdict: Verdict;
  /** Why the verdict, for the rule table. */
  readonly why: string;
  /** What to do instead (expand/contract). */
  readonly hint: string;
}

/**
 * A rule looks at one parsed statement (top level or inside a DO/function body) and says
 * what it breaks for the binary we roll back to. Rules are pure: no I/O, no window state
 * (the engine downgrades hits whose subject the window created).
 */
export interface Rule extends RuleMeta {
  check(stmt: Node): readonly RuleHit[];
}

export function defineRule(meta: RuleMeta, check: (stmt: Node) => readonly RuleHit[]): Rule {
  return Object.freeze({ ...meta, check });
}

export const column = (table: string, col: string): Subject => ({ kind: 'column', name: `${bare(table)}.${col.toLowerCase()}` });
export const relation = (name: string): Subject => ({ kind: 'relation', name: bare(name) });

function bare(q: string): string {
  return q.slice(q.lastIndexOf('.') + 1).toLowerCase();
}

/**
 * Label and field selectors as the API server reads them from `?labelSelector=` and
 * `?fieldSelector=`, and `LabelSelector` objects as controllers read them from specs.
 *
 * ### Examples
 * `app=catalog,tier in (web,api),!canary` matches labels `{app: catalog, tier: web}`.
 */
import { badRequest } from './status-error.ts';
import type { KubeObject, LabelSelector } from './types.ts';

export interface Requirement {
  readonly key: string;
  readonly op: 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists';
  readonly values: readonly string[];
}

export type Selector = readonly Requirement[];

/** Splits on commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

export function parseLabelSelector(text: string | null | undefined): Selector {
  if (!text) return [];
  return splitTopLevel(text).map((part) => parseRequirement(part, text));
}

function parseRequirement(part: string, text: string): Requirement {
  const requirement = parseRequirementSyntax(part, text);
  if (!requirement.values.every((v) => LABEL_VALUE.test(v))) throw badRequest(`unable to parse requirement: invalid label value in "${text}"`);
  return requirement;
}

function parseRequirementSyntax(part: string, text: string): Requirement {
  const setMatch = /^([^\s!=]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (setMatch) {
    const values = setMatch[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '');
    return { key: setMatch[1]!, op: setMatch[2] === 'in' ? 'in' : 'notin', values };
  }
  const cmp = /^([^\s!=]+)\s*(==|!=|=)\s*(.*)$/.exec(part);
  if (cmp) return { key: cmp[1]!, op: cmp[2] === '!=' ? 'neq' : 'eq', values: [cmp[3]!.trim()] };
  if (/^![^\s!=(),]+$/.test(part)) return { key: part.slice(1), op: 'notexists', values: [] };
  if (/^[^\s!=(),]+$/.test(part)) return { key: part, op: 'exists', values: [] };
  throw badRequest(`unable to parse requirement: invalid label selector "${text}"`);
}

/** Field selectors take only `=`, `==` and `!=`. */
export function parseFieldSelector(text: string | null | undefined): Selector {
  if (!text) return [];
  return splitTopLevel(text).map((part): Requirement => {
    const cmp = /^([^\s!=]+)\s*(==|!=|=)\s*(.*)$/.exec(part);
    if (!cmp) throw badRequest(`invalid field selector "${text}"`);
    return { key: cmp[1]!, op: cmp[2] === '!=' ? 'neq' : 'eq', values: [cmp[3]!.trim()] };
  });
}

export function matchesRequirements(selector: Selector, lookup: (key: string) => string | undefined): boolean {
  return selector.every((r) => {
    const value = lookup(r.key);
    switch (r.op) {
      case 'eq':
        return value === r.values[0];
      case 'neq':
        return value !== r.values[0];
      case 'in':
        return value !== undefined && r.values.includes(value);
      case 'notin':
        return value === undefined || !r.values.includes(value);
      case 'exists':
        return value !== undefined;
      case 'notexists':
        return value === undefined;
    }
  });
}

export function matchesLabels(selector: Selector, labels: Record<string, string> | undefined): boolean {
  return matchesRequirements(selector, (k) => labels?.[k]);
}

export function matchesFields(selector: Selector, object: KubeObject): boolean {
  return matchesRequirements(selector, (path) => {
    let node: unknown = object;
    for (const part of path.split('.')) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[part];
    }
    // NOTE: the API server compares an unset metadata.namespace as "".
    if (node === undefined && path === 'metadata.namespace') return '';
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- field selectors name scalar fields; anything else keeps String()'s form, as before
    return node === undefined || node === null ? undefined : String(node);
  });
}

/** A spec's `LabelSelector` as requirements. An empty selector matches everything, as in apps/v1. */
export function fromLabelSelector(selector: LabelSelector | undefined): Selector {
  const reqs: Requirement[] = Object.entries(selector?.matchLabels ?? {}).map(([key, v]) => ({ key, op: 'eq', values: [v] }));
  for (const e of selector?.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: 'notexists' } as const)[e.operator];
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return reqs;
}

/** `app=catalog,tier in (web)`: how kubectl prints a selector and sends it back. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  return fromLabelSelector(selector)
    .map((r) => {
      switch (r.op) {
        case 'eq':
          return `${r.key}=${r.values[0]}`;
        case 'neq':
          return `${r.key}!=${r.values[0]}`;
        case 'in':
          return `${r.key} in (${r.values.join(',')})`;
        case 'notin':
          return `${r.key} notin (${r.values.join(',')})`;
        case 'exists':
          return r.key;
        case 'notexists':
          return `!${r.key}`;
      }
    })
    .join(',');
}

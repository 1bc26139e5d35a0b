import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Shape } from './config-schema.ts';
import type { ConfigIssue, ConfigPath, Locator } from './config-issues.ts';

export interface ShapeFindings {
  readonly errors: ConfigIssue[];
  readonly warnings: ConfigIssue[];
}

/**
 * Checks a YAML node against a shape: wrong types, missing required keys and enum values are
 * errors; unknown keys are warnings (a typo must not stop an incident, but it must be seen).
 */
export function checkShape(shape: Shape, node: unknown, path: ConfigPath, loc: Locator, out: ShapeFindings): void {
  const fail = (message: string): void => {
    out.errors.push(loc.issue(path, message));
  };
  const name = path.length ? String(path.at(-1)) : 'the file';
  switch (shape.type) {
    case 'string':
      if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') fail(`${name} must be a non-empty string`);
      return;
    case 'boolean':
      if (!isScalar(node) || typeof node.value !== 'boolean') fail(`${name} must be true or false`);
      return;
    case 'integer':
      if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) fail(`${name} must be a whole number`);
      else if (shape.minimum !== undefined && node.value < shape.minimum) fail(`${name} must be at least ${shape.minimum}`);
      return;
    case 'map':
      if (!isMap(node)) return fail(`${name} must be a mapping`);
      for (const pair of node.items as Pair<Node, Node | null>[]) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        checkShape(shape.values, pair.value, [...path, key], loc, out);
      }
      return;
    case 'enum':
      if (!isScalar(node) || !shape.values.includes(String(node.value))) {
        fail(`${name} must be one of ${shape.values.join(', ')}${isScalar(node) ? `, not "${String(node.value)}"` : ''}`);
      }
      return;
    case 'array':
      if (!isSeq(node)) return fail(`${name} must be a list`);
      node.items.forEach((item, i) => checkShape(shape.items, item, [...path, i], loc, out));
      return;
    case 'object': {
      if (!isMap(node)) return fail(`${name} must be a mapping`);
      const seen = new Set<string>();
      for (const pair of node.items as Pair<Node, Node | null>[]) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        seen.add(key);
        const child = shape.properties[key];
        if (child === undefined) {
          out.warnings.push(loc.issue([...path, key], `unknown key "${key}" (ignored)`, { key: true }));
        } else {
          checkShape(child, pair.value, [...path, key], loc, out);
        }
      }
      for (const req of shape.required) if (!seen.has(req)) fail(`${name === 'the file' ? '' : `${name}: `}missing required key "${req}"`);
      return;
    }
    default: {
      const never: never = shape;
      throw new Error(`unknown shape ${JSON.stringify(never)}`);
    }
  }
}

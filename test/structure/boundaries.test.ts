import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The dependency direction of docs/architecture.md, checked on every import of src/.
 * A rule is: files under `from` may not import anything under any of `forbidden`.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const rules: { from: string; forbidden: string[]; except?: string[] }[] = [
  { from: 'core', forbidden: ['analyzers', 'adapters', 'executor', 'report', 'readiness', 'config', 'app', 'server', 'cli', 'sandbox', 'testing'] },
  { from: 'analyzers', forbidden: ['adapters', 'executor', 'report', 'readiness', 'config', 'app', 'server', 'cli', 'sandbox'] },
  { from: 'executor', forbidden: ['adapters', 'app', 'server', 'cli', 'sandbox'] },
  { from: 'report', forbidden: ['adapters', 'executor', 'app', 'server', 'cli', 'sandbox'] },
  { from: 'config', forbidden: ['adapters', 'executor', 'app', 'server', 'cli', 'sandbox'] },
  { from: 'sandbox', forbidden: ['analyzers', 'adapters', 'executor', 'report', 'readiness', 'config', 'app', 'server', 'testing'], except: ['cli/io.ts', 'cli/command.ts', 'cli/output.ts'] },
  { from: 'cli', forbidden: ['adapters', 'sandbox', 'executor'] },
  { from: 'app', forbidden: ['cli', 'server'] },
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    out.push(relative(root, resolve(dirname(file), m[1] as string)));
  }
  return out;
}

test('src/ imports follow the dependency direction', () => {
  const violations: string[] = [];
  for (const file of files(root)) {
    const rel = relative(root, file);
    const top = rel.split('/')[0] as string;
    // Adapters never import each other.
    if (top === 'adapters') {
      const own = rel.split('/')[1];
      for (const imp of importsOf(file)) {
        const [t, sys] = imp.split('/');
        if (t === 'adapters' && sys !== own) violations.push(`${rel} imports ${imp} (adapters never import each other)`);
        if (['executor', 'app', 'server', 'cli', 'sandbox'].includes(t as string)) violations.push(`${rel} imports ${imp}`);
      }
    }
    for (const rule of rules.filter((r) => r.from === top)) {
      for (const imp of importsOf(file)) {
        if (rule.except?.includes(imp)) continue;
        if (rule.forbidden.includes(imp.split('/')[0] as string)) violations.push(`${rel} imports ${imp}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('the checker sees imports (it can fail)', () => {
  const decide = join(root, 'cli/main.ts');
  assert.ok(importsOf(decide).some((i) => i.startsWith('core/')));
});

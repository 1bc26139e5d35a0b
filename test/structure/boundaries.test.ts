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
const testRoot = resolve(root, '../test');
const rules: { from: string; forbidden: string[]; except?: string[] }[] = [
  { from: 'core', forbidden: ['analyzers', 'adapters', 'executor', 'report', 'readiness', 'config', 'app', 'server', 'cli', 'sandbox', 'testing'] },
  { from: 'analyzers', forbidden: ['adapters', 'executor', 'report', 'readiness', 'config', 'app', 'server', 'cli', 'sandbox'] },
  { from: 'executor', forbidden: ['adapters', 'app', 'server', 'cli', 'sandbox'] },
  { from: 'report', forbidden: ['adapters', 'executor', 'app', 'server', 'cli', 'sandbox'] },
  { from: 'config', forbidden: ['adapters', 'executor', 'app', 'server', 'cli', 'sandbox'] },
  { from: 'sandbox', forbidden: ['analyzers', 'adapters', 'executor', 'report', 'readiness', 'config', 'app', 'server', 'testing'], except: ['cli/io.ts', 'cli/command.ts', 'cli/output.ts'] },
  { from: 'cli', forbidden: ['adapters', 'analyzers', 'sandbox', 'executor', 'config', 'readiness'] },
  { from: 'app', forbidden: ['cli', 'server', 'testing'] },
  // Fakes and conformance suites serve tests; they reach rewind the way its users do.
  { from: 'testing', forbidden: ['executor', 'readiness', 'server', 'config'] },
];

/** Only tests (and src/testing itself) may use src/testing; test files otherwise follow their folder's rule. */
const TEST_ONLY = 'testing';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const isTest = (file: string) => file.endsWith('.test.ts');

/** Imports of a file, relative to src/ ("core/plan.ts"); outside src/ they start with "..". */
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
        const target = imp.split('/')[0] as string;
        if (isTest(file) && target === TEST_ONLY) continue;
        if (rule.forbidden.includes(target)) violations.push(`${rel} imports ${imp}`);
      }
    }
    if (!isTest(file) && top !== TEST_ONLY) {
      for (const imp of importsOf(file)) if (imp.split('/')[0] === TEST_ONLY) violations.push(`${rel} imports ${imp} (src/testing is for tests only)`);
    }
    if (/(^|\/)fake[-.]/.test(rel) && top !== TEST_ONLY) violations.push(`${rel}: fakes live in src/testing`);
  }
  assert.deepEqual(violations, []);
});

test('end-to-end and integration suites reach rewind as users and servers do', () => {
  // test/e2e drives the CLI as a process; it may use src/testing's harnesses and nothing else.
  const violations: string[] = [];
  for (const file of files(testRoot)) {
    const rel = relative(testRoot, file);
    const suite = rel.split('/')[0] as string;
    for (const imp of importsOf(file)) {
      if (imp.startsWith('..')) continue; // test/ helpers among themselves
      const target = imp.split('/')[0] as string;
      if (suite === 'e2e' && target !== TEST_ONLY) violations.push(`${rel} imports ${imp} (e2e tests use the CLI, not modules)`);
      if (['cli', 'app', 'executor'].includes(target) && suite !== 'structure') violations.push(`${rel} imports ${imp}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the checker sees imports (it can fail)', () => {
  const decide = join(root, 'cli/main.ts');
  assert.ok(importsOf(decide).some((i) => i.startsWith('core/')));
});

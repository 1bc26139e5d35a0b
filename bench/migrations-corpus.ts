/**
 * Generates realistic migration corpora for the benchmark: tables, indexes, backfills, renames,
 * drops, functions and DO blocks, deterministic (seeded) so runs compare.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const nouns = ['orders', 'users', 'books', 'authors', 'payments', 'invoices', 'shipments', 'reviews', 'carts', 'coupons', 'accounts', 'events'];
const cols = ['status', 'note', 'amount', 'email', 'sku', 'qty', 'region', 'kyc_status', 'created_by', 'external_id', 'price', 'currency'];
const types = ['text', 'bigint', 'integer', 'numeric(12,2)', 'timestamptz', 'boolean', 'jsonb', 'uuid'];

/** One statement of a realistic mix: mostly additive, some backfills, a few breaking ones. */
function statement(r: () => number, i: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const t = pick(nouns);
  const c = `${pick(cols)}_${i % 97}`;
  const k = r();
  if (k < 0.16) return `CREATE TABLE IF NOT EXISTS ${t}_${i} (\n  id bigserial PRIMARY KEY,\n  ${c} ${pick(types)},\n  created_at timestamptz NOT NULL DEFAULT now()\n);`;
  if (k < 0.34) return `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${c} ${pick(types)}${r() < 0.3 ? " DEFAULT 'x'" : ''};`;
  if (k < 0.46) return `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${t}_${c}_idx ON ${t} (${c});`;
  if (k < 0.54) return `UPDATE ${t} SET ${c} = 'pending' WHERE ${c} IS NULL AND id BETWEEN ${i * 1000} AND ${i * 1000 + 999};`;
  if (k < 0.6) return `ALTER TABLE ${t} ADD CONSTRAINT ${t}_${c}_chk CHECK (${c} IS NOT NULL) NOT VALID;`;
  if (k < 0.64) return `ALTER TABLE ${t} RENAME COLUMN ${c} TO ${c}_old;`;
  if (k < 0.68) return `ALTER TABLE ${t} DROP COLUMN IF EXISTS ${c};`;
  if (k < 0.7) return `DROP TABLE IF EXISTS ${t}_legacy_${i};`;
  if (k < 0.74) return `ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT 0;`;
  if (k < 0.77) return `COMMENT ON COLUMN ${t}.${c} IS 'added for release ${i}';`;
  if (k < 0.8) return `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${t}_${c}_key ON ${t} (${c});`;
  if (k < 0.86)
    return `CREATE OR REPLACE FUNCTION ${t}_touch_${i}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND\n$$;`;
  if (k < 0.93)
    return `DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = '${t}_state_${i}') THEN\n    CREATE TYPE ${t}_state_${i} AS ENUM ('new', 'done');\n  END IF;\n  UPDATE ${t} SET ${c} = NULL WHERE false;\nEND\n$$;`;
  if (k < 0.96) return `ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;`;
  return `GRANT SELECT ON ${t} TO reporting;`;
}

export interface Corpus {
  readonly dir: string;
  readonly files: number;
  readonly statements: number;
  readonly bytes: number;
}

/** One file of `n` statements (the 20,000-statement corpus). */
export function writeStatementCorpus(dir: string, n: number, seed = 42): Corpus {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(statement(r, i));
  const text = parts.join('\n\n') + '\n';
  writeFileSync(join(dir, 'corpus.sql'), text);
  return { dir, files: 1, statements: n, bytes: Buffer.byteLength(text) };
}

/** A migrations folder of `files` files, 2-12 statements each, some in BEGIN/COMMIT. */
export function writeMigrationFolder(dir: string, files: number, seed = 7): Corpus {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  let statements = 0;
  let bytes = 0;
  for (let f = 0; f < files; f++) {
    const n = 2 + Math.floor(r() * 11);
    const body: string[] = [];
    for (let i = 0; i < n; i++) body.push(statement(r, f * 20 + i));
    statements += n;
    const tx = r() < 0.3 && !body.some((s) => s.includes('CONCURRENTLY'));
    const text = `-- migration ${f + 1}\n${tx ? 'BEGIN;\n' : ''}${body.join('\n')}\n${tx ? 'COMMIT;\n' : ''}`;
    if (tx) statements += 2;
    bytes += Buffer.byteLength(text);
    writeFileSync(join(dir, `${String(f + 1).padStart(4, '0')}_release_${f + 1}.sql`), text);
  }
  return { dir, files, statements, bytes };
}

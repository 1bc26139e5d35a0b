// Regenerates src/config/rewind.schema.json from the schema definition:
//   node --import tsx src/config/write-schema.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toJsonSchema } from './config-schema.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('./rewind.schema.json', import.meta.url));

export function renderSchemaFile(): string {
  return `${JSON.stringify(toJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(SCHEMA_FILE, renderSchemaFile());

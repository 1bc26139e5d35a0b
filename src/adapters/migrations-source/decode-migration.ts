import type { MigrationSource } from '../../analyzers/sql-migration/index.ts';

/** Default cap on one migration file: a few MB; generated dumps above it are not migrations. */
export const defaultMaxBytes = 4 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns a file's bytes into text for the analyzer, or says why it cannot: binary content
 * (a NUL byte), invalid UTF-8, or over the size cap. Expected failures are data, not throws.
 */
export function decodeMigration(path: string, bytes: Uint8Array, maxBytes: number): MigrationSource {
  if (bytes.length > maxBytes) return { kind: 'unreadable', path, reason: `file is ${bytes.length} bytes, over the --max-bytes cap of ${maxBytes}` };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { kind: 'unreadable', path, reason: `binary file (NUL byte at offset ${nul}), not SQL text` };
  try {
    const text = utf8.decode(bytes);
    return { kind: 'text', path, content: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { kind: 'unreadable', path, reason: `invalid UTF-8 at byte ${firstInvalidUtf8(bytes)}` };
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const len = b < 0x80 ? 1 : b >> 5 === 6 ? 2 : b >> 4 === 14 ? 3 : b >> 3 === 30 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += len;
  }
  return i;
}

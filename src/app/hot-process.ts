/**
 * What a hot script's process (bin/rewind.js runs it with a V8 code cache) asks of the modules it
 * holds: the SQL parser leaves V8's flags as they were at start (see `keepV8Flags`).
 */
export { keepV8Flags } from '../analyzers/sql-migration/pg-parser.ts';

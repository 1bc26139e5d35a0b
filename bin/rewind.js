#!/usr/bin/env node
// rewind runs its TypeScript sources directly (tsx) so that the CLI, the tests and the
// demo always execute the same code; there is no build step to forget.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

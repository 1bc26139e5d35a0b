// The bundle's entry point (see scripts/build.js): the same main() bin/rewind.js runs from source.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));

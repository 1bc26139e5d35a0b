// The entry of a hot bundle (scripts/build.js `hotBundles`): one command's whole graph as a single
// CommonJS script, which bin/rewind.js runs through node:vm with a V8 code cache. Node 20 keeps no
// compile cache for ES modules, so this is how the command's second run skips the parse and compile.
export { main as start } from './main.ts';
import { keepV8Flags } from '../app/hot-process.ts';

keepV8Flags();

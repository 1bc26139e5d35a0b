/**
 * `rewind sandbox up` hosts the sandbox in its own process; this is the one door from the CLI
 * into it (everything else reaches the sandbox over HTTPS, as it would a real cluster).
 */
export type { SandboxState } from '../sandbox/state.ts';
// The state file is plain JSON beside the sandbox; reading it loads none of the sandbox.
export { readState as readSandboxState, isAlive as pidAlive } from '../sandbox/state.ts';
export const loadSandbox = () => import('../sandbox/index.ts');
// The scenario registry is plain data; `sandbox break` and `demo` check names against it.
export { SCENARIOS, findScenario, scenarioNames, type ScenarioInfo } from '../sandbox/world/scenarios.ts';

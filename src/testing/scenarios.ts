/**
 * The sandbox's scenario registry, for end-to-end suites (they may import src/testing only): the
 * crash campaign iterates it, so a scenario added to the sandbox joins the campaign by itself.
 */
export { SCENARIOS, type ScenarioInfo } from '../sandbox/world/scenarios.ts';

/** Replays migrations on a throwaway Postgres (PGlite, or a real server by URL) for `rewind migrations verify`. */
export { replayWindow, type ReplayInput, type ReplayReport, type QueryOutcome, type ApplyOutcome, type ProbeResult } from './replay-window.ts';
export { createPgliteTarget } from './pglite-target.ts';
export { createPgServerTarget } from './pg-server-target.ts';
export { ReplayFailure, type ReplayTarget } from './replay-target.ts';
export { createDownRehearsal } from './down-rehearsal.ts';

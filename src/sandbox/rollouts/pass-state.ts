/** What one pass of the Rollout controller decided, shared by its halves. */
import type { PauseReason } from './types.ts';

/** What one pass decided, before it becomes the status (upstream's pauseContext). */
export interface PassState {
  addAbort?: string;
  removeAbort?: boolean;
  addPause: PauseReason[];
  removePause: PauseReason[];
  clearPauses?: boolean;
}

export class InvalidSpec extends Error {}


import { AdapterError } from '../../core/errors.ts';

/**
 * client-go's `retry.RetryOnConflict` for a write guarded by the resourceVersion it read: a
 * controller's status update (a crash-looping Deployment's status changes every few seconds, and
 * `/status` writes bump the object's resourceVersion too) fails the guard without anyone touching
 * what rewind writes. Each attempt reads again, so a hold another run wrote in between is seen and
 * refused by the attempt itself; only when every attempt loses the race does the write give up.
 */
export async function retryOnConflict(attempt: () => Promise<void>, giveUp: (e: AdapterError) => Error, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof AdapterError) || !isConflict(e)) throw e;
      if (i >= attempts) throw giveUp(e);
    }
  }
}

/** How a failed guard answers: a JSON patch `test` (422, or 400 on older servers) or a stale resourceVersion (409). */
function isConflict(e: AdapterError): boolean {
  return e.status === 422 || e.status === 409 || e.status === 400;
}

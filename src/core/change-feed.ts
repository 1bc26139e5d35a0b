/**
 * What a wait needs from a watch stream: not the objects (the wait reads those itself, the same
 * way with or without a stream), only "something changed": a counter the stream bumps on each
 * event, so the wait re-reads at once instead of at its next poll. A stream that breaks stops
 * bumping and the wait's poll interval is all that is left; nothing is judged from an event.
 */
export interface ChangeFeed {
  /** Events seen so far. */
  readonly seen: number;
  /** True while the stream is connected. */
  readonly live: boolean;
  /** Epoch ms (this host's clock) at which the last event arrived; undefined before the first. */
  readonly lastChangeAt: number | undefined;
  /** Resolves once `seen` exceeds `after` (at once if it already does), or when `signal` aborts. Never rejects. */
  changedSince(after: number, signal: AbortSignal): Promise<void>;
  /** Stops the stream; pending `changedSince` calls stay pending until their signal aborts. */
  close(): void;
}

/** The counter behind a ChangeFeed; the adapter that owns the stream calls `bump` and `setLive`. */
export class ChangeCounter {
  #seen = 0;
  #live = false;
  #lastChangeAt: number | undefined;
  readonly #waiters = new Set<{ after: number; resolve: () => void }>();

  get seen(): number {
    return this.#seen;
  }

  get live(): boolean {
    return this.#live;
  }

  get lastChangeAt(): number | undefined {
    return this.#lastChangeAt;
  }

  /**
   * The ChangeFeed over this counter, as the adapter hands it to waits; `stop` ends the adapter's
   * stream (its request and any pending reconnect), after which the feed reads as not live.
   */
  feed(stop: () => void): ChangeFeed {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below belong to another object
    const counter = this;
    return {
      get seen() {
        return counter.seen;
      },
      get live() {
        return counter.live;
      },
      get lastChangeAt() {
        return counter.lastChangeAt;
      },
      changedSince: (after, signal) => counter.changedSince(after, signal),
      close() {
        stop();
        counter.setLive(false);
      },
    };
  }

  setLive(live: boolean): void {
    this.#live = live;
  }

  bump(): void {
    this.#seen++;
    this.#lastChangeAt = Date.now();
    for (const w of [...this.#waiters]) {
      if (this.#seen > w.after) {
        this.#waiters.delete(w);
        w.resolve();
      }
    }
  }

  changedSince(after: number, signal: AbortSignal): Promise<void> {
    if (this.#seen > after || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const w = {
        after,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#waiters.delete(w);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(w);
    });
  }
}

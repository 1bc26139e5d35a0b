import assert from 'node:assert/strict';

/**
 * Waits (real time, polling) on a condition the sandbox reaches on its own clock: the e2e suites
 * wait on conditions, never on sleeps of a fixed length. Fails with the last value or error seen.
 */
export async function until<T>(what: string, check: () => Promise<T | false | undefined>, tries = 240): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`${what}: ${String(last)}`);
}

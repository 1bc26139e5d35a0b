import { timingSafeEqual } from 'node:crypto';

/** Whether the secret a client sent (a header, a token) is the expected one, compared in constant time. */
export function sameSecret(given: string, want: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

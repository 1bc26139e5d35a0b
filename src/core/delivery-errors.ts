import { DeliveryError } from './comms.ts';

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3), read at `now` (ms); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A status code as a DeliveryError: 408, 429 and 5xx are worth another attempt, other 4xx are not. */
export function httpDeliveryError(target: string, status: number, retryAfter?: number): DeliveryError {
  const retryable = status === 408 || status === 429 || status >= 500;
  return new DeliveryError(`${target}: HTTP ${status}`, { retryable, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) });
}

/** A request that got no answer (timeout, refused connection): retryable. The cause's text may hold the URL, so only its kind is kept. */
export function requestDeliveryError(target: string, cause: unknown): DeliveryError {
  const name = cause instanceof Error ? (cause.name === 'TimeoutError' || cause.name === 'AbortError' ? 'timed out' : 'no answer') : 'no answer';
  return new DeliveryError(`${target}: ${name}`, { retryable: true });
}

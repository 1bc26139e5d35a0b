import { Observable } from '@kubernetes/client-node';
import { AdapterError, type RewindError } from '../../core/errors.ts';
import { kubeError } from './kubernetes-errors.ts';

/**
 * client-node's per-call options: the request's signal (a middleware setting it is the only way
 * to cancel, and so time out, the underlying fetch rather than just stop waiting for it) and, for
 * a patch, its content type (client-node picks json-patch otherwise).
 */
export function requestOptions(signal: AbortSignal, contentType?: string): object {
  return {
    middleware: [
      {
        pre: (ctx: { setSignal(s: AbortSignal): void; setHeaderParam(k: string, v: string): void }) => {
          ctx.setSignal(signal);
          if (contentType) ctx.setHeaderParam('Content-Type', contentType);
          return new Observable(Promise.resolve(ctx));
        },
        post: <R>(ctx: R) => new Observable(Promise.resolve(ctx)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

export type TimedCall = <T>(operation: string, notFound: () => RewindError, fn: (cfg: object) => Promise<T>, signal?: AbortSignal, contentType?: string) => Promise<T>;

/**
 * One Kubernetes API call under a deadline: the caller's signal and the deadline both cancel the
 * fetch; a deadline is a transient AdapterError, anything else goes through kubeError.
 */
export function timedCall(o: { readonly server: string; readonly context: string; readonly timeoutMs: number }): TimedCall {
  return async (operation, notFound, fn, signal, contentType) => {
    const deadline = AbortSignal.timeout(o.timeoutMs);
    try {
      return await fn(requestOptions(signal ? AbortSignal.any([signal, deadline]) : deadline, contentType));
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw deadline.aborted
        ? new AdapterError('kubernetes', operation, `no answer from ${o.server} within ${o.timeoutMs} ms (context ${o.context})`, { cause: err, transient: true })
        : kubeError(err, { operation, context: o.context, server: o.server, notFound });
    }
  };
}

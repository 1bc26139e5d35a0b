import { Observable } from '@kubernetes/client-node';

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

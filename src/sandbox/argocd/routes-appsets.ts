/** ApplicationSet list, get and create-or-update (`POST ?upsert=true`), as in Argo CD's API. */
import type { AppSetStore, ApplicationSet } from './appset-controller.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';
import type { Route } from './http.ts';

export function appSetRoutes(sets: AppSetStore): Route[] {
  return [
    { method: 'GET', path: '/api/v1/applicationsets', handle: () => Promise.resolve({ metadata: {}, items: sets.list() }) },
    {
      method: 'GET',
      path: '/api/v1/applicationsets/:name',
      handle(req) {
        const set = sets.get(req.params['name'] ?? '');
        if (!set) throw new GrpcError(GrpcCode.NotFound, `applicationsets.argoproj.io "${req.params['name']}" not found`);
        return Promise.resolve(set);
      },
    },
    {
      method: 'POST',
      path: '/api/v1/applicationsets',
      async handle(req) {
        const body = (await req.body()) as ApplicationSet;
        const name = body.metadata?.name;
        if (!name || !body.spec?.template) throw new GrpcError(GrpcCode.InvalidArgument, 'applicationset metadata.name and spec.template are required');
        const existing = sets.get(name);
        if (existing && req.query.get('upsert') !== 'true') {
          throw new GrpcError(GrpcCode.InvalidArgument, `existing ApplicationSet spec is different, use upsert flag to force update`);
        }
        return sets.upsert({ ...body, apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { ...(existing?.metadata ?? body.metadata), ...body.metadata, namespace: 'argocd' } });
      },
    },
  ];
}

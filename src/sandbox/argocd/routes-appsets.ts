/**
 * ApplicationSet list, get and create-or-update (`POST ?upsert=true`, how Argo CD's API updates
 * a set: upstream's `server/applicationset/applicationset.go` Create), as in its swagger.
 */
import { APPLICATIONS_SYNC_POLICIES, type AppSetStore, type ApplicationSet } from './appset.ts';
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
        const policy = body.spec.syncPolicy?.applicationsSync;
        if (policy !== undefined && !APPLICATIONS_SYNC_POLICIES.includes(policy)) {
          // The CRD's enum, as the Kubernetes API server words a rejected value.
          throw new GrpcError(
            GrpcCode.InvalidArgument,
            `error creating ApplicationSet: ApplicationSet.argoproj.io "${name}" is invalid: spec.syncPolicy.applicationsSync: Unsupported value: "${String(policy)}": supported values: ${APPLICATIONS_SYNC_POLICIES.map((p) => `"${p}"`).join(', ')}`,
          );
        }
        const existing = sets.get(name);
        if (existing && req.query.get('upsert') !== 'true') {
          throw new GrpcError(GrpcCode.InvalidArgument, `existing ApplicationSet spec is different, use upsert flag to force update`);
        }
        return sets.upsert({ ...body, apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { ...(existing?.metadata ?? body.metadata), ...body.metadata, namespace: 'argocd' } });
      },
    },
  ];
}

/**
 * ApplicationSet list, get and create-or-update (`POST ?upsert=true`, how Argo CD's API updates
 * a set: upstream's `server/applicationset/applicationset.go` Create), as in its swagger.
 */
import { APPLICATIONS_SYNC_POLICIES, type AppSetStore, type ApplicationSet } from './appset.ts';
import type { AppStore } from './app-store.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';
import type { Route } from './http.ts';

/**
 * `status.resources` as upstream's controller keeps it (`applicationset_controller.go`
 * `updateResourcesStatus`): one entry per Application the set owns, with its sync and health.
 */
function withStatus(set: ApplicationSet, apps: AppStore): ApplicationSet {
  const owned = apps.list().filter((a) => a.metadata.ownerReferences?.some((r) => r.kind === 'ApplicationSet' && r.name === set.metadata.name));
  const resources = owned.map((a) => ({
    group: 'argoproj.io', version: 'v1alpha1', kind: 'Application', name: a.metadata.name, namespace: 'argocd',
    ...(a.status?.sync?.status ? { status: a.status.sync.status } : {}),
    ...(a.status?.health?.status ? { health: { status: a.status.health.status } } : {}),
  }));
  return { ...set, status: { resources } };
}

export function appSetRoutes(sets: AppSetStore, apps: AppStore): Route[] {
  return [
    { method: 'GET', path: '/api/v1/applicationsets', handle: () => Promise.resolve({ metadata: {}, items: sets.list().map((s) => withStatus(s, apps)) }) },
    {
      method: 'GET',
      path: '/api/v1/applicationsets/:name',
      handle(req) {
        const set = sets.get(req.params['name'] ?? '');
        if (!set) throw new GrpcError(GrpcCode.NotFound, `applicationsets.argoproj.io "${req.params['name']}" not found`);
        return Promise.resolve(withStatus(set, apps));
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
        const { status: _ignored, ...sent } = body;
        return withStatus(sets.upsert({ ...sent, apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { ...(existing?.metadata ?? body.metadata), ...body.metadata, namespace: 'argocd' } }), apps);
      },
    },
  ];
}

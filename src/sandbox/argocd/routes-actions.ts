/**
 * Resource actions (`argocd app actions list|run`): `GET .../resource/actions`, the deprecated
 * `POST .../resource/actions` (the body is the action's name as a JSON string, the resource in the
 * query) and `POST .../resource/actions/v2` (everything in the body), as argoproj/argo-cd
 * `server/application/application.proto` routes them and `application.go` `ListResourceActions`
 * and `RunResourceActionV2` run them: the resource must belong to the app, RBAC is checked on
 * `applications, action/<group>/<kind>/<action>, <project>/<app>` (`get` for the list), the Lua
 * action's result is applied as a merge patch (status subresource first). Rollouts are the only
 * kind with actions in the sandbox.
 */
import type { KubeObject } from '../kube/types.ts';
import { kubeMessage, objectPath, resourcePath } from '../gitops/kube-client.ts';
import { createMergePatch, discoverActions, ROLLOUT_ACTIONS, runAction, splitStatusPatch, type RolloutAction } from '../rollouts/argocd-actions.ts';
import type { Rollout } from '../rollouts/types.ts';
import { groupVersion } from './compare.ts';
import { mustGet, SANDBOX_USER, type ArgoContext } from './context.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';
import { isHook } from './hooks.ts';
import type { Route } from './http.ts';
import type { Rbac } from './rbac.ts';
import { argoTime } from './sync-operation.ts';

interface ResourceQuery {
  readonly namespace: string;
  readonly resourceName: string;
  readonly version: string;
  readonly group: string;
  readonly kind: string;
}

async function liveResource(ctx: ArgoContext, appName: string, q: ResourceQuery): Promise<KubeObject> {
  const app = mustGet(ctx, appName);
  const commit = await ctx.manifests.resolve(app.status.sync.revision ?? app.spec.source.targetRevision);
  const desired = (await ctx.manifests.render(commit, app.spec.source.path)).filter((o) => !isHook(o));
  const managed = desired.find((o) => o.kind === q.kind && groupVersion(o).group === q.group && o.metadata.name === q.resourceName && (q.namespace === '' || (o.metadata.namespace ?? app.spec.destination.namespace) === q.namespace));
  if (!managed) throw new GrpcError(GrpcCode.NotFound, `${q.kind} ${q.group ? `${q.group}/` : ''}${q.resourceName} not found as part of application ${appName}`);
  const path = objectPath({ ...managed, metadata: { ...managed.metadata, namespace: managed.metadata.namespace ?? app.spec.destination.namespace } });
  const got = await ctx.kubeFor(app).request<KubeObject>('GET', path);
  if (got.status === 404) throw new GrpcError(GrpcCode.NotFound, `${q.kind} ${q.resourceName} not found in the cluster`);
  if (got.status >= 300) throw new GrpcError(GrpcCode.Internal, kubeMessage(got));
  return { ...got.body, apiVersion: managed.apiVersion, kind: managed.kind };
}

function queryOf(params: URLSearchParams | Record<string, unknown>): ResourceQuery {
  const get = (k: string): string => {
    const v = params instanceof URLSearchParams ? params.get(k) : params[k];
    return typeof v === 'string' ? v : '';
  };
  return { namespace: get('namespace'), resourceName: get('resourceName'), version: get('version'), group: get('group'), kind: get('kind') };
}

export function actionRoutes(ctx: ArgoContext, rbac: Rbac): Route[] {
  const object = (appName: string): string => `${mustGet(ctx, appName).spec.project}/${appName}`;

  const run = async (appName: string, q: ResourceQuery, action: string): Promise<Record<string, never>> => {
    if (!q.resourceName || !q.kind || !q.version) throw new GrpcError(GrpcCode.InvalidArgument, 'resourceName, version and kind are required');
    rbac.enforce(SANDBOX_USER, 'applications', `action/${q.group}/${q.kind}/${action}`, object(appName));
    const live = await liveResource(ctx, appName, q);
    if (live.kind !== 'Rollout' || !(ROLLOUT_ACTIONS as readonly string[]).includes(action)) {
      throw new GrpcError(GrpcCode.Unknown, `error getting Lua resource action: action ${action} not found for ${q.kind}`);
    }
    const next = runAction(live as Rollout, action as RolloutAction, argoTime(ctx.clock.now()));
    const patch = createMergePatch(live, next);
    if (Object.keys(patch).length === 0) return {};
    const app = mustGet(ctx, appName);
    const kube = ctx.kubeFor(app);
    const path = resourcePath({ apiVersion: live.apiVersion, kind: live.kind, namespace: live.metadata.namespace, name: live.metadata.name });
    const { nonStatus, touchesStatus } = splitStatusPatch(patch);
    let rest: typeof patch | undefined = patch;
    if (touchesStatus) {
      const r = await kube.request('PATCH', `${path}/status`, patch, 'application/merge-patch+json');
      if (r.status === 200) rest = nonStatus;
      else if (r.status !== 404) throw new GrpcError(GrpcCode.Unknown, `error patching resource: ${kubeMessage(r)}`);
    }
    if (rest) {
      const r = await kube.request('PATCH', path, rest, 'application/merge-patch+json');
      if (r.status >= 300) throw new GrpcError(GrpcCode.Unknown, `error patching resource: ${kubeMessage(r)}`);
    }
    return {};
  };

  return [
    {
      method: 'GET',
      path: '/api/v1/applications/:name/resource/actions',
      async handle(req) {
        const name = req.params['name'] ?? '';
        rbac.enforce(SANDBOX_USER, 'applications', 'get', object(name));
        const live = await liveResource(ctx, name, queryOf(req.query));
        return { actions: live.kind === 'Rollout' ? discoverActions(live as Rollout) : [] };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/applications/:name/resource/actions',
      async handle(req) {
        // grpc-gateway `body: "action"`: the body is the action itself, a JSON string.
        const body = await req.body();
        if (typeof body !== 'string') throw new GrpcError(GrpcCode.InvalidArgument, 'the body must be the action name as a JSON string, e.g. "abort"');
        return run(req.params['name'] ?? '', queryOf(req.query), body);
      },
    },
    {
      method: 'POST',
      path: '/api/v1/applications/:name/resource/actions/v2',
      async handle(req) {
        const body = (await req.body()) as Record<string, unknown>;
        if (typeof body['action'] !== 'string') throw new GrpcError(GrpcCode.InvalidArgument, 'action is required');
        return run(req.params['name'] ?? '', queryOf(body), body['action']);
      },
    },
  ];
}

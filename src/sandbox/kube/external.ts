/**
 * Resources a cluster serves from outside its object store: Argo CD's Applications live in the
 * sandbox's Argo CD app store (in a real install, CRs in the etcd of the cluster Argo CD runs in),
 * so the cluster that hosts Argo CD registers a handler for `applications` and the others answer
 * 404, as a cluster without the CRD does.
 */
export interface ExternalRequest {
  readonly method: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  /** The media type of a PATCH (merge, json); empty otherwise. */
  readonly contentType: string;
  readonly body: unknown;
}

/** Objects come back as JSON; failures are thrown as `KubeStatusError`. */
export type ExternalHandler = (req: ExternalRequest) => { readonly status: number; readonly body: unknown };

import { qualifiedName, type ResourceType } from './resources.ts';

/** A `meta/v1 Status` failure, thrown inside the API server and written once by the request handler. */
export class KubeStatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: number, reason: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Record<string, unknown> {
    return statusObject(this.code, this.reason, this.message, this.details);
  }
}

export function statusObject(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

const detailsOf = (type: ResourceType, name: string): Record<string, unknown> => ({
  name,
  ...(type.group ? { group: type.group } : {}),
  kind: type.plural,
});

export const notFound = (type: ResourceType, name: string): KubeStatusError =>
  new KubeStatusError(404, 'NotFound', `${qualifiedName(type)} "${name}" not found`, detailsOf(type, name));

export const alreadyExists = (type: ResourceType, name: string): KubeStatusError =>
  new KubeStatusError(409, 'AlreadyExists', `${qualifiedName(type)} "${name}" already exists`, detailsOf(type, name));

export const conflict = (type: ResourceType, name: string): KubeStatusError =>
  new KubeStatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    detailsOf(type, name),
  );

export const invalid = (type: ResourceType, name: string, message: string): KubeStatusError =>
  new KubeStatusError(422, 'Invalid', `${type.kind} "${name}" is invalid: ${message}`, { ...detailsOf(type, name), kind: type.kind });

export const badRequest = (message: string): KubeStatusError => new KubeStatusError(400, 'BadRequest', message);

export const pathNotFound = (): KubeStatusError => new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});

export const methodNotAllowed = (method: string): KubeStatusError =>
  new KubeStatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`, {});

/**
 * Argo CD's API is gRPC behind grpc-gateway: failures come back as
 * `{"error": msg, "code": <gRPC code>, "message": msg}` with the HTTP status the gateway
 * maps the code to (FailedPrecondition and InvalidArgument are 400, NotFound 404, ...).
 */
export const GrpcCode = {
  Unknown: 2,
  InvalidArgument: 3,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  FailedPrecondition: 9,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

const HTTP_STATUS: Readonly<Record<number, number>> = {
  2: 500,
  3: 400,
  5: 404,
  6: 409,
  7: 403,
  9: 400,
  12: 501,
  13: 500,
  14: 503,
  16: 401,
};

export class GrpcError extends Error {
  readonly code: GrpcCode;
  constructor(code: GrpcCode, message: string) {
    super(message);
    this.code = code;
  }
  get httpStatus(): number {
    return HTTP_STATUS[this.code] ?? 500;
  }
  toJSON(): { error: string; code: number; message: string } {
    return { error: this.message, code: this.code, message: this.message };
  }
}

export const appNotFound = (name: string): GrpcError =>
  new GrpcError(GrpcCode.NotFound, `applications.argoproj.io "${name}" not found`);

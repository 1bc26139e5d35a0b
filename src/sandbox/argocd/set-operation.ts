/**
 * Upstream's `util/argo/argo.go` `SetAppOperation` (L950-974): an operation is refused while
 * another is set (`Application.operation` stays set until the controller finishes it), and
 * setting one clears the previous `status.operationState`. The API server and the controller's
 * auto-sync both go through it.
 */
import type { Application, Operation } from './application.ts';
import type { AppStore } from './app-store.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';

export const ANOTHER_OPERATION = 'another operation is already in progress';

export class OperationInProgress extends GrpcError {
  constructor() {
    super(GrpcCode.FailedPrecondition, ANOTHER_OPERATION);
  }
}

export function setAppOperation(store: AppStore, name: string, op: Operation): Application {
  return store.update(name, (a) => {
    if (a.operation) throw new OperationInProgress();
    a.operation = op;
    delete a.status.operationState;
  });
}

import type { Preflight } from './types.ts';
import { result } from './types.ts';

/** Argo CD runs one operation at a time: a rollback next to a running sync would race it. */
export const operationCheck: Preflight = ({ facts }) => {
  const app = facts.application.value;
  const op = app.operation;
  if (op === undefined || (op.phase !== 'Running' && op.phase !== 'Terminating')) return null;
  const what = `an operation is already ${op.phase.toLowerCase()} on ${app.name}${op.revision ? ` (to ${op.revision.slice(0, 7)})` : ''}`;
  const refusal = `${what}: wait for it to finish (or stop it with \`argocd app terminate-op ${app.name}\`), then plan again`;
  return result({ id: 'operation', title: 'Running operation', status: 'fail', detail: what, evidence: [{ claim: `status.operationState.phase = ${op.phase}`, source: facts.application.source }] }, [], [refusal]);
};

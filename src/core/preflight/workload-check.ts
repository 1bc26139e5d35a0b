import type { Preflight } from './types.ts';
import { result } from './types.ts';

/** Step 1: the workload as the cluster runs it; a paused Deployment needs a human. */
export const workloadCheck: Preflight = ({ facts }) => {
  const w = facts.workload.value;
  const ref = `${w.ref.kind} ${w.ref.namespace}/${w.ref.name} (${w.ref.cluster})`;
  const running = [...new Set(w.pods.map((p) => p.imageID).filter(Boolean))];
  const evidence = [
    { claim: `${w.readyReplicas}/${w.replicas} ready`, source: facts.workload.source },
    ...running.map((id) => ({ claim: `pods run ${id}`, source: facts.workload.source })),
  ];
  const warnings: string[] = [];
  if (w.paused) warnings.push(`${ref} is paused: the rollback will not roll out until it is resumed`);
  return result({ id: 'workload', title: 'Workload', status: warnings.length ? 'warn' : 'info', detail: `${ref}, ${w.pods.length} pod(s)`, evidence }, warnings);
};

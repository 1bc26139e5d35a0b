/** Resource hooks, as upstream's gitops-engine reads them: `argocd.argoproj.io/hook: PreSync[,PostSync]`. */
import type { KubeObject } from '../kube/types.ts';

const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';

export function hookTypes(o: KubeObject): string[] {
  return (o.metadata.annotations?.[HOOK_ANNOTATION] ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Hooks are run by syncs and left out of the comparison and the resource tree. */
export const isHook = (o: KubeObject): boolean => hookTypes(o).length > 0;

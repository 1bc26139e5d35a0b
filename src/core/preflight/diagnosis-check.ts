import type { Preflight } from './types.ts';
import { result } from './types.ts';

/** Step 2: what the bad window changed. CRDs are the known false start: rollback won't downgrade them. */
export const diagnosisCheck: Preflight = ({ facts, lkg }) => {
  const title = 'Diagnosis (Step 2)';
  if (!lkg.ok) return null;
  const fact = facts.diagnosis;
  if (fact === undefined) {
    return result({ id: 'diagnosis', title, status: 'info', detail: 'not diagnosed: the change between the two revisions was not classified', evidence: [] });
  }
  const d = fact.value;
  const images = d.images.map((i) => `${i.name}: ${i.from ?? '(none)'} -> ${i.to ?? '(none)'}`);
  const evidence = [
    ...d.commits.map((c) => ({ claim: `${c.revision.slice(0, 7)} ${c.subject} (${c.author})`, source: fact.source })),
    ...images.map((claim) => ({ claim, source: fact.source })),
    ...(d.files.length ? [{ claim: `files: ${d.files.join(', ')}`, source: fact.source }] : []),
  ];
  const kinds = d.kinds.length ? d.kinds.join(', ') : 'nothing classified';
  const warnings: string[] = [];
  if (d.kinds.includes('crd')) {
    warnings.push(
      'the window changed a CRD: Argo CD rollback does not delete or downgrade Helm CRDs (cluster-scoped, hands-off); if the bad release added an incompatible CRD field, see code-rollback-helm.md for a manual CRD-level fix',
    );
  }
  return result({ id: 'diagnosis', title, status: warnings.length ? 'warn' : 'info', detail: `changed: ${kinds}`, evidence }, warnings);
};

import { runningRevision } from '../core/domain.ts';
import { NotFoundError } from '../core/errors.ts';
import { Fact, type Facts } from '../core/facts.ts';
import type { ChangeAnalyzer, ConfigRepo, TemplateSource } from '../core/ports.ts';

/**
 * `--fix REF`: the fix checked like any revision, against what runs: Step 0 (its own migrations)
 * and Step 2 (its diff) on running..fix, and the images it renders. Needs Argo CD (what runs) and
 * the config repo; an unknown REF is a NotFoundError (bad input).
 */
export async function gatherFix(
  deps: { readonly repo?: ConfigRepo; readonly analyzer?: ChangeAnalyzer; readonly templates?: TemplateSource },
  facts: Facts,
  ref: string,
): Promise<Pick<Facts, 'fix'>> {
  const app = facts.application?.value;
  if (!app || !deps.repo || !deps.analyzer) {
    throw new NotFoundError(`--fix ${ref} needs ${!app ? 'an Argo CD Application (a fix ships through Argo CD)' : 'the config repo (configRepo in rewind.yaml)'}`);
  }
  let revision: string;
  try {
    revision = await deps.repo.resolve(ref);
  } catch (e) {
    if (e instanceof NotFoundError) throw new NotFoundError(`--fix ${ref} is not in the config repo`, { hint: 'push the fix (a branch or a commit) to the config repo first; rewind fetches every branch' });
    throw e;
  }
  const running = runningRevision(app);
  const [migrations, diagnosis, images] = await Promise.all([
    deps.analyzer.migrations(running, revision),
    deps.analyzer.diagnose(running, revision),
    deps.templates ? deps.templates.podTemplate(revision).then((t) => t.containers.map((c) => c.image), () => []) : Promise.resolve([]),
  ]);
  const range = `${running.slice(0, 7)}..${revision.slice(0, 7)}`;
  return { fix: Fact.of({ ref, revision, migrations, diagnosis, images }, `git rev-parse ${ref}; git diff ${range} (Step 0 and Step 2)`) };
}

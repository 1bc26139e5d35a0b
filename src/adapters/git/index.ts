/**
 * @module git adapter: `ConfigRepo` through the real `git`, and the `ChangeDiagnoser` (Step 2)
 * over it, and the deploy log `rewind report` counts.
 */
export { createGitConfigRepo, parseNameStatus, type GitConfigRepoOptions } from './git-config-repo.ts';
export { createGitChangeDiagnoser, type GitChangeDiagnoserOptions } from './change-diagnoser.ts';
export { classifyFile, type FileChange, type FileClassification } from './change-classifier.ts';
export { createGitRunner, type GitRunner, type GitResult } from './git-runner.ts';
export { createGitPodTemplateSource, type GitPodTemplateOptions } from './pod-template.ts';
export { createGitRevertPublisher, type GitRevertPublisherOptions } from './git-revert-publisher.ts';
export { deployCommits, historyStart, type DeployCommit } from './deploy-log.ts';

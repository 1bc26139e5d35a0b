/**
 * @module git adapter: `ConfigRepo` through the real `git`, and the `ChangeAnalyzer` (Step 0 and
 * Step 2) over it.
 */
export { createGitConfigRepo, parseNameStatus, type GitConfigRepoOptions } from './git-config-repo.ts';
export { createGitChangeAnalyzer, type GitChangeAnalyzerOptions } from './change-analyzer.ts';
export { classifyFile, type FileChange, type FileClassification } from './change-classifier.ts';
export { globToRegExp, DEFAULT_MIGRATIONS_GLOB } from './path-glob.ts';
export { createGitRunner, type GitRunner, type GitResult } from './git-runner.ts';

export { createFlagdGitStore, type FlagdGitStoreOptions } from './flagd-git-store.ts';
export { createGitFlagEvidenceReader } from './flag-evidence.ts';
export { createUnleashStore, type UnleashStoreOptions } from './unleash-store.ts';

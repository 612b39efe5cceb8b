export * from './engine';
export { PolicyPackSchema, HANDLINGS } from './schema';
export { parsePolicyPack, PolicyPackError } from './parse';
export { loadPolicyPacks, DEFAULT_POLICY_DIR } from './load';
export { policyVersion } from './version';
export { parseStoredPack, upgradeStoredPack } from './upgrade';
export { simulateClaim, type SimulationInput, type SimulationResult } from './simulate';

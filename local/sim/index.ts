/** The simulated AWS account(s) behind real SDK v3 clients: see clients.ts. */
export * as build from './build';
export {
  type CallFilter,
  type SimCall,
  SimulatedAccount,
  SimulatedAws,
  type SimulatedAwsOptions,
} from './clients';
export {
  awsError,
  SERVICE_NAMES,
  type ServiceName,
  SimulatedCrash,
  SimulatorUnsupportedOperation,
} from './errors';
export { type FaultMatch, type FaultStats, Faults } from './faults';
export type * from './model';
export { SimModel } from './model';
export {
  DEMO,
  HOME_ACCOUNT_ID,
  HOME_REGION,
  type SeedFromRequestOptions,
  type SeedOptions,
  seedAirlockPrerequisites,
  seedDemoEstate,
  seedFromRequest,
} from './seed';
export { implementedOperations } from './services';
export { type DiffOptions, diffEstates, type EstateSnapshot, snapshotState, VOLATILE_KEYS } from './snapshot';

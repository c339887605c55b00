/** Service tests of replicated-service nodes (docs/service-tests.md): definitions as data, a pure runner over the simulator. */
export {
  ALWAYS_CHECKED,
  CHECK_KINDS,
  parseServiceTests,
  SERVICE_TESTS_FORMAT,
  ServiceTestError,
  type CheckSpec,
  type FaultGenerator,
  type RandomPartitions,
  type ServiceTest,
  type ServiceTestFile,
} from './definitions.js';
export { CHECK_RULES, runCheck, type CheckVerdict, type RunFacts } from './checks.js';
export { expandGenerators } from './generators.js';
export { runServiceTest, runServiceTestSeeds, STEPS_RULE, type ServiceFigures, type ServiceNodeClass, type ServiceRunOptions, type ServiceRunResult, type ServiceSeedsResult } from './run.js';
export { loadServiceTests } from './load.js';

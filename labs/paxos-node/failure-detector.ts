/** The failure detector moved to the SDK (labs/sdk/failure-detector.ts), shared by every node. */
export { FailureDetector } from '@paxlab/sdk';

/** The retransmission timer moved to the SDK (labs/sdk/retransmit-timer.ts), shared by every node. */
export { RetransmitTimer } from '@paxlab/sdk';

/**
 * `@paxlab/sdk` — everything a PaxLab student module may import.
 *
 * What lives here:
 * - the single-decree **role API** (Acceptor, Proposer, Learner) of docs/student-api.md, which graders call
 *   handler by handler;
 * - the **node API** (`PaxosNode` with a `NodeContext`) for whole-node labs, which the simulator and
 *   the real cluster drive with messages, timers and client requests;
 * - the **Multi-Paxos API** (docs/multi-paxos-api.md): the same three roles with slots, and what a
 *   replicated-service node is built with and shows;
 * - helpers every node may use: quorums, owned rounds, a failure detector, a retransmission timer.
 *
 * All of it is pure: no I/O, no clocks, no randomness except through the context. That is what lets the
 * same class run in trace replay, in the simulator and as a real process.
 *
 * @packageDocumentation
 */
export * from './messages.js';
export * from './roles.js';
export * from './node.js';
export * from './quorum.js';
export * from './service.js';
export * from './state-machine.js';
export * from './multi.js';
export * from './failure-detector.js';
export * from './retransmit-timer.js';

// The reference solution of lab 04: the three multi-decree roles, one class per file.
export { Acceptor } from './acceptor.js';
export { Proposer } from './proposer.js';
export { Learner } from './learner.js';

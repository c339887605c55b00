import { Acceptor } from '../labs/04-multi-paxos/reference/acceptor.js';
import { Proposer } from '../labs/04-multi-paxos/reference/proposer.js';
import { Learner } from '../labs/04-multi-paxos/reference/learner.js';
import { runMultiSearch } from '../electron/engine/multi-roles/multi-search.js';
const t = Date.now();
const r = runMultiSearch({ Acceptor, Proposer, Learner } as any, JSON.parse(process.argv[2] ?? '{}'));
console.log(JSON.stringify({ ...r, path: r.path?.slice(-5) }), Date.now() - t, 'ms');

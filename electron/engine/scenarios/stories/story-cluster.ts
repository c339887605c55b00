/**
 * The cluster of the course's Basic Paxos walk-through (seeds: paxos-blog-post): 3 proposers owning
 * rounds 1,4,7 / 2,5,8 / 3,6,9, 5 acceptors, 5 learners, all reference roles, driven step by step by
 * a script (no randomness): which messages are delivered when, who crashes and restarts. Records the
 * run as a trace.
 */
import type { AcceptMsg, LearnMsg, NodeId, PrepareMsg, PromiseMsg, Value } from '@paxlab/sdk';
import { Acceptor } from '../../../../labs/01-acceptor/reference/acceptor.js';
import { Proposer } from '../../../../labs/02-proposer/reference/proposer.js';
import { Learner } from '../../../../labs/03-learner/reference/learner.js';
import { TraceRecorder } from '../../trace/recorder.js';
import type { TraceEvent, WireMessage } from '../../trace/events.js';

export const STORY_PROPOSERS = 3;
export const STORY_ACCEPTORS = 5;
export const STORY_LEARNERS = 5;

/** Node ids: P1..P3 are 1..3, A1..A5 are 4..8, L1..L5 are 9..13. */
export const nodeId = (name: string): NodeId => {
  const m = /^([PAL])(\d)$/.exec(name);
  if (!m) throw new Error(`not a story node: ${name}`);
  const i = Number(m[2]);
  const base = m[1] === 'P' ? 0 : m[1] === 'A' ? STORY_PROPOSERS : STORY_PROPOSERS + STORY_ACCEPTORS;
  return base + i;
};
export const nodeName = (id: NodeId): string =>
  id <= STORY_PROPOSERS ? `P${id}` : id <= STORY_PROPOSERS + STORY_ACCEPTORS ? `A${id - STORY_PROPOSERS}` : `L${id - STORY_PROPOSERS - STORY_ACCEPTORS}`;

const ACCEPTOR_IDS = Array.from({ length: STORY_ACCEPTORS }, (_, i) => STORY_PROPOSERS + 1 + i);
const LEARNER_IDS = Array.from({ length: STORY_LEARNERS }, (_, i) => STORY_PROPOSERS + STORY_ACCEPTORS + 1 + i);

/**
 * The story's proposers number their rounds among the 3 proposers (1,4,7 / 2,5,8 / 3,6,9) while their
 * quorum is a majority of the 5 acceptors. The student API (docs/student-api.md) ties both to one cluster config, so the reference
 * proposer gets the acceptors as its config (quorum 3) and this subclass re-numbers its rounds.
 */
class StoryProposer extends Proposer {
  override startRound(): PrepareMsg {
    const previous = this.crnd;
    super.startRound();
    this.crnd = previous === 0 ? this.id : previous + STORY_PROPOSERS;
    return { kind: 'prepare', from: this.id, crnd: this.crnd };
  }
}

export type StoryStep =
  | { do: 'propose'; p: string; value: Value }
  | { do: 'prepare'; p: string }
  | { do: 'deliver'; kind: 'prepare' | 'promise' | 'accept' | 'learn'; from?: string[]; to?: string[] }
  | { do: 'crash'; node: string }
  | { do: 'restart'; node: string };

interface Pending {
  id: number;
  from: NodeId;
  to: NodeId;
  msg: WireMessage;
}

export class StoryCluster {
  readonly rec: TraceRecorder;
  private readonly proposers = new Map<NodeId, StoryProposer>();
  private readonly acceptors = new Map<NodeId, Acceptor>();
  private readonly learners = new Map<NodeId, Learner>();
  private readonly down = new Set<NodeId>();
  private pending: Pending[] = [];
  private nextId = 1;
  private t = 0;

  constructor(title: string) {
    const all = Array.from({ length: STORY_PROPOSERS + STORY_ACCEPTORS + STORY_LEARNERS }, (_, i) => i + 1);
    this.rec = new TraceRecorder({ source: 'sim', nodes: all, protocol: 'single-decree', title });
    const config = { nodes: [...ACCEPTOR_IDS] };
    for (let p = 1; p <= STORY_PROPOSERS; p++) this.proposers.set(p, new StoryProposer(p, config));
    for (const a of ACCEPTOR_IDS) this.acceptors.set(a, new Acceptor(a, config));
    for (const l of LEARNER_IDS) this.learners.set(l, new Learner(l, config));
  }

  get trace(): TraceEvent[] {
    return this.rec.events;
  }

  run(steps: StoryStep[]): TraceEvent[] {
    for (const s of steps) this.step(s);
    return this.trace;
  }

  step(s: StoryStep): void {
    this.t++;
    switch (s.do) {
      case 'propose': {
        const p = nodeId(s.p);
        this.rec.record({ type: 'client-request', t: this.t, node: p, request: `${s.p}-${s.value}`, value: s.value });
        const out = this.proposers.get(p)!.propose(s.value);
        if (out) this.broadcast(p, ACCEPTOR_IDS, out);
        return;
      }
      case 'prepare': {
        const p = nodeId(s.p);
        this.broadcast(p, ACCEPTOR_IDS, this.proposers.get(p)!.startRound());
        return;
      }
      case 'crash':
      case 'restart': {
        const n = nodeId(s.node);
        if (s.do === 'crash') this.down.add(n);
        else this.down.delete(n);
        this.rec.record({ type: s.do, t: this.t, node: n });
        return;
      }
      case 'deliver': {
        const from = s.from?.map(nodeId);
        const to = s.to?.map(nodeId);
        const take = this.pending.filter((m) => m.msg.kind === s.kind && (!from || from.includes(m.from)) && (!to || to.includes(m.to)));
        // In the order the script names senders (or in send order when it names none).
        if (from) take.sort((a, b) => from.indexOf(a.from) - from.indexOf(b.from) || a.id - b.id);
        this.pending = this.pending.filter((m) => !take.includes(m));
        for (const m of take) this.deliver(m);
      }
    }
  }

  private broadcast(from: NodeId, to: NodeId[], msg: PrepareMsg | AcceptMsg | LearnMsg | PromiseMsg): void {
    for (const dest of to) {
      const id = this.nextId++;
      const wire = { ...msg } as WireMessage;
      this.rec.record({ type: 'send', t: this.t, id, from, to: dest, msg: wire });
      // A down node's messages are lost: the story's acceptors "die" for a whole round.
      if (this.down.has(dest)) this.rec.record({ type: 'drop', t: this.t, id, from, to: dest, reason: 'down', copy: 0 });
      else this.pending.push({ id, from, to: dest, msg: wire });
    }
  }

  private deliver(m: Pending): void {
    if (this.down.has(m.to)) {
      this.rec.record({ type: 'drop', t: this.t, id: m.id, from: m.from, to: m.to, reason: 'down', copy: 0 });
      return;
    }
    this.rec.record({ type: 'deliver', t: this.t, id: m.id, from: m.from, to: m.to, msg: m.msg, copy: 0 });
    const msg = m.msg as unknown;
    switch (m.msg.kind) {
      case 'prepare': {
        const out = this.acceptors.get(m.to)!.handlePrepare(msg as PrepareMsg);
        if (out) this.broadcast(m.to, [out.to], out);
        return;
      }
      case 'accept': {
        const out = this.acceptors.get(m.to)!.handleAccept(msg as AcceptMsg);
        if (out) this.broadcast(m.to, LEARNER_IDS, out);
        return;
      }
      case 'promise': {
        const out = this.proposers.get(m.to)!.handlePromise(msg as PromiseMsg);
        if (out) this.broadcast(m.to, ACCEPTOR_IDS, out);
        return;
      }
      case 'learn': {
        const v = this.learners.get(m.to)!.handleLearn(msg as LearnMsg);
        if (v !== null) this.rec.record({ type: 'decide', t: this.t, node: m.to, value: v, slot: 0 });
      }
    }
  }
}

/** The blog's notation for a message: prepare(1), promise(2,1,5), promise(2,-,-), accept(1,5), learn(1,5). */
export function storyMsg(m: WireMessage): string {
  switch (m.kind) {
    case 'prepare':
      return `prepare(${m.crnd})`;
    case 'promise':
      return m.vrnd === 0 ? `promise(${m.rnd},-,-)` : `promise(${m.rnd},${m.vrnd},${m.vval})`;
    default:
      return `${m.kind}(${m.rnd},${m.val})`;
  }
}

/**
 * The story-level events of a trace, one line each: "P1 → A1 prepare(1)", "P1 → A4 prepare(1) lost"
 * (to a down node), "A3 crashes", "A3 restarts", "L1 decides 5".
 */
/** A node's story name, or a client's id as it is. */
const participantName = (p: NodeId | string): string => (typeof p === 'number' ? nodeName(p) : p);

export function storyLines(trace: TraceEvent[]): string[] {
  const lines: string[] = [];
  const lost = new Set<number>();
  for (const e of trace) if (e.type === 'drop') lost.add(e.id);
  for (const e of trace) {
    if (e.type === 'send') lines.push(`${participantName(e.from)} → ${participantName(e.to)} ${storyMsg(e.msg)}${lost.has(e.id) ? ' lost' : ''}`);
    else if (e.type === 'crash') lines.push(`${nodeName(e.node)} crashes`);
    else if (e.type === 'restart') lines.push(`${nodeName(e.node)} restarts`);
    else if (e.type === 'decide') lines.push(`${nodeName(e.node)} decides ${e.value}`);
  }
  return lines;
}

/**
 * Expands the compact expected lines of a story: "A1..A5 → P1 promise(1,-,-)" is five lines, one per
 * sender (senders outer, receivers inner); "P1 → A1,A2,A4 …" names a list; "L1..L5 decides 5" is one
 * line per node.
 */
export function expandStoryLines(compact: string[]): string[] {
  const names = (spec: string): string[] => {
    const range = /^([PAL])(\d)\.\.\1(\d)$/.exec(spec);
    if (range) {
      const out: string[] = [];
      for (let i = Number(range[2]); i <= Number(range[3]); i++) out.push(`${range[1]}${i}`);
      return out;
    }
    return spec.split(',');
  };
  const out: string[] = [];
  for (const line of compact) {
    const send = /^(\S+) → (\S+) (.+)$/.exec(line);
    if (send) {
      for (const f of names(send[1])) for (const t of names(send[2])) out.push(`${f} → ${t} ${send[3]}`);
      continue;
    }
    const node = /^(\S+) (decides|crashes|restarts)(.*)$/.exec(line);
    if (!node) throw new Error(`bad story line: ${line}`);
    for (const n of names(node[1])) out.push(`${n} ${node[2]}${node[3]}`);
  }
  return out;
}

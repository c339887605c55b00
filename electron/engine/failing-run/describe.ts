/** Short lecture-style words for trace events: "S2 receives promise(1, ⊥, ⊥) from S1". */
import type { TraceEvent, WireMessage } from '../trace/events.js';

const v = (x: unknown) => (x === null || x === undefined ? '⊥' : typeof x === 'string' ? JSON.stringify(x) : String(x));

export function messageText(msg: WireMessage): string {
  switch (msg.kind) {
    case 'prepare':
      return `prepare(${v(msg.crnd ?? msg.rnd)})`;
    case 'promise':
      return `promise(${v(msg.rnd)}, ${v(msg.vrnd)}, ${v(msg.vval)})`;
    case 'accept':
      return `accept(${v(msg.rnd)}, ${v(msg.val)})`;
    case 'learn':
      return `learn(${v(msg.rnd)}, ${v(msg.val)})`;
    default:
      return msg.kind;
  }
}

/** One event in words, or null for events that say nothing on their own (meta, sends). */
export function describeEvent(e: TraceEvent, sent: ReadonlyMap<number, WireMessage>): string | null {
  switch (e.type) {
    case 'deliver':
      return `S${e.to} receives ${messageText(e.msg)} from S${e.from}${e.copy ? ` (copy ${e.copy})` : ''}`;
    case 'drop': {
      const m = sent.get(e.id);
      return `${m ? messageText(m) : `message ${e.id}`} from S${e.from} to S${e.to} is lost (${e.reason})`;
    }
    case 'duplicate': {
      const m = sent.get(e.id);
      return `the network duplicates ${m ? messageText(m) : `message ${e.id}`} from S${e.from} to S${e.to}`;
    }
    case 'timer':
      return e.name === 'start-round' ? `S${e.node} starts a round` : `S${e.node}'s ${e.name} timer fires`;
    case 'client-request':
      return `a client asks S${e.node} to propose ${JSON.stringify(e.value)}`;
    case 'crash':
      return `S${e.node} crashes`;
    case 'restart':
      return `S${e.node} restarts`;
    case 'decide':
      return `S${e.node} decides ${JSON.stringify(e.value)}`;
    case 'error':
      return e.message;
    default:
      return null;
  }
}

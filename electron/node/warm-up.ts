/**
 * A dry run of the reference node, right after the real one started: three throwaway instances
 * decide one value over an in-memory network (no sockets, no files, no trace; a few ms). V8 compiles
 * a function the first time it runs, which costs the first accept, learn and decision of a fresh
 * process a few hundred microseconds each; paying that while the cluster is idle keeps the first
 * real decision as fast as later ones. Nothing of the dry run survives it.
 */
import type { ClientRequest, NodeContext, NodeId, StableStorage } from '@paxlab/sdk';
import type { WireMessage } from '../engine/trace/events.js';
import type { NodeFactory } from './runtime.js';

/** Upper bound on the messages of the dry run (it needs about 40). */
const MAX_STEPS = 500;

/** Returns whether every instance decided (the dry run went through the whole protocol). */
export function warmUp(factory: NodeFactory): boolean {
  const ids: NodeId[] = [1, 2, 3];
  const queue: Array<{ from: NodeId; to: NodeId; text: string }> = [];
  let decided = 0;
  const nodes = ids.map((id) => {
    let saved: string | undefined;
    const storage: StableStorage = {
      load: <T,>() => (saved === undefined ? undefined : (JSON.parse(saved) as T)),
      save: (state) => {
        saved = JSON.stringify(state);
      },
    };
    const send = (to: NodeId, msg: WireMessage) => queue.push({ from: id, to, text: JSON.stringify(msg) });
    const ctx: NodeContext<WireMessage> = {
      id,
      nodes: ids,
      send,
      broadcast: (msg, options) => {
        for (const to of ids) if (to !== id || options?.includeSelf !== false) send(to, msg);
      },
      setTimer: () => {},
      cancelTimer: () => {},
      now: () => 0,
      random: () => 0.5,
      decide: () => {
        decided++;
      },
      reply: () => {},
      storage,
      log: () => {},
    };
    return factory(ctx);
  });
  for (const n of nodes) n.onStart();
  nodes[0].onClientRequest({ id: 'warm-up', value: 'warm-up' } satisfies ClientRequest);
  for (let step = 0; step < MAX_STEPS && queue.length > 0 && decided < ids.length; step++) {
    const m = queue.shift()!;
    nodes[m.to - 1].onMessage(m.from, JSON.parse(m.text) as WireMessage);
  }
  return decided === ids.length;
}

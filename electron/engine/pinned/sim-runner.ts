/**
 * A pinned execution in the simulator (scripted mode): synchronous, pure, no I/O — it can run
 * wherever the node class can (the grading sandbox included). Virtual time moves one millisecond
 * per action, so the diagram spreads the story out.
 */
import type { NodeId, PaxosNodeClass } from '@paxlab/sdk';
import { Simulation } from '../sim/simulation.js';
import { ScriptedClients } from './clients.js';
import { type PinnedAction, PinnedStepError, pinnedActions } from './core.js';
import { type PinnedRun, type PinnedStepEvents, nextSeq, scriptModel } from './run.js';
import type { PinnedScript } from './script.js';

export interface PinnedSimOptions {
  title?: string;
  /** Seeds the nodes' random(); a pinned execution should not depend on it. Default 1. */
  seed?: number;
}

export function runPinnedSim(script: PinnedScript, nodeClass: PaxosNodeClass<any>, opts: PinnedSimOptions = {}): PinnedRun {
  let clients: ScriptedClients | null = null;
  const model = scriptModel(script);
  const sim = new Simulation({
    nodes: script.nodes,
    nodeClass,
    seed: opts.seed ?? 1,
    protocol: 'pinned',
    title: opts.title ?? `${script.title} (pinned execution ${script.name})`,
    scripted: {
      clients: Object.keys(script.clients ?? {}),
      ...(model ? { model } : {}),
      onClientAnswer: (c, from, msg) => clients?.answer(c, from, msg),
    },
  });
  clients = new ScriptedClients(script.clients ?? {}, sim.nodes, {
    send: (c, node, msg) => sim.clientSend(c, node, msg as never),
    record: (e) => sim.recordClient(e),
  });
  const cs = clients;
  const view = {
    held: () => sim.held(),
    armed: (node: NodeId) => sim.armedTimers(node),
    isUp: (node: NodeId) => sim.isUp(node),
    client: (id: string) => cs.view(id),
  };
  const steps: PinnedStepEvents[] = [];
  const apply = (a: PinnedAction): void => {
    if (a.act === 'step') {
      close();
      steps.push({ index: a.index, ...(script.steps[a.index].label ? { label: script.steps[a.index].label } : {}), from: nextSeq(sim.trace), to: nextSeq(sim.trace) });
      return;
    }
    sim.advanceTime(1);
    switch (a.act) {
      case 'release':
        return sim.releaseHeld(a.m.id, a.m.copy, a.fate);
      case 'duplicate':
        return void sim.duplicateHeld(a.m.id);
      case 'fire':
        return sim.fireTimer(a.node, a.name);
      case 'invoke':
        return cs.invoke(a.client);
      case 'timeout':
        return cs.timeout(a.client);
      case 'crash':
        return sim.crash(a.node);
      case 'restart':
        return sim.restart(a.node);
      case 'partition':
        return sim.partition(a.groups);
      case 'heal':
        return sim.heal();
      case 'link':
        return sim.setLink(a.a, a.b, a.up);
    }
  };
  const close = () => {
    const last = steps[steps.length - 1];
    if (last) last.to = nextSeq(sim.trace);
  };
  let error: PinnedRun['error'];
  try {
    for (const a of pinnedActions(script, view)) apply(a);
  } catch (err) {
    if (!(err instanceof PinnedStepError)) throw err;
    error = { step: err.step, message: err.message };
  }
  close();
  sim.advanceTime(1);
  cs.finish();
  return { script, source: 'sim', trace: sim.trace, steps, ...(error ? { error } : {}) };
}

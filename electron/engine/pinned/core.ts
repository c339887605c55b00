/**
 * The pure core of pinned executions: it reads a script step by step, looks at what the harness
 * holds (messages in flight, armed timers, who is up, what the clients are doing), and says what
 * happens next — as actions the harness carries out (the simulator in scripted mode, or a real
 * cluster whose hub holds every message). The core alone decides every message's fate (delivered,
 * or dropped and why), so both harnesses record the same events in the same order.
 *
 * A step that matches nothing fails with a message that names the step and what is there instead:
 * "step 7 (deliver): no held accept from S1 to S2; held now: #12 S1→S3 accept {…}".
 */
import type { NodeId } from '@paxlab/sdk';
import { NetworkModel } from '../net/network-model.js';
import type { DropReason, Participant, WireMessage } from '../trace/events.js';
import { type MessagePattern, type PinnedScript, type ScriptStep, participant, participantName } from './script.js';

/** One held message copy, as a harness shows it. */
export interface HeldView {
  id: number;
  copy: number;
  from: Participant;
  to: Participant;
  msg: WireMessage;
}

/** What a client session is doing. */
export interface ClientView {
  /** Whether `invoke` may start the next operation now, and if not, why. */
  canInvoke: true | string;
  /** Whether `timeout` may fire now (an operation is waiting for its answer), and if not, why. */
  canTimeout: true | string;
}

/** What the core may look at; the harness keeps it current as actions are carried out. */
export interface HarnessView {
  /** The held copies, oldest first (the order they were sent or duplicated). */
  held(): readonly HeldView[];
  armed(node: NodeId): readonly string[];
  isUp(node: NodeId): boolean;
  client(id: string): ClientView;
}

export type DeliveryFate = { deliver: true } | { deliver: false; reason: DropReason };

export type PinnedAction =
  /** Step `index` begins (drivers note where each step's events start). */
  | { act: 'step'; index: number }
  | { act: 'release'; m: HeldView; fate: DeliveryFate }
  | { act: 'duplicate'; m: HeldView; copy: number }
  | { act: 'fire'; node: NodeId; name: string }
  | { act: 'invoke'; client: string }
  | { act: 'timeout'; client: string }
  | { act: 'crash'; node: NodeId }
  | { act: 'restart'; node: NodeId }
  | { act: 'partition'; groups: NodeId[][] }
  | { act: 'heal' }
  | { act: 'link'; a: NodeId; b: NodeId; up: boolean };

/** A step that cannot be carried out; `step` is 1-based. */
export class PinnedStepError extends Error {
  override name = 'PinnedStepError';
  constructor(
    readonly step: number,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_SETTLE_MAX = 10_000;

const key = (m: { id: number; copy: number }) => `${m.id}/${m.copy}`;

/**
 * The actions of `script`, one at a time; the driver carries out each before asking for the next
 * (the view then shows its effects). Throws PinnedStepError when a step cannot be carried out.
 */
export function* pinnedActions(script: PinnedScript, view: HarnessView): Generator<PinnedAction, void, void> {
  const nodes = Array.from({ length: script.nodes }, (_, i) => i + 1);
  // Partitions and cut links, to decide a copy's fate when it is released (the harness blocks
  // sends itself, with the same network model).
  const net = new NetworkModel();
  /** Each node's incarnation (bumped at every crash), and the addressee's when each copy was first seen. */
  const inc = new Map<NodeId, number>(nodes.map((n) => [n, 0]));
  const sentTo = new Map<string, number>();
  const nextCopy = new Map<number, number>();
  const observe = () => {
    for (const h of view.held()) {
      const k = key(h);
      if (sentTo.has(k)) continue;
      // A duplicate belongs to its original's addressee life.
      const orig = sentTo.get(key({ id: h.id, copy: 0 }));
      sentTo.set(k, orig ?? (typeof h.to === 'number' ? inc.get(h.to)! : 0));
      nextCopy.set(h.id, Math.max(nextCopy.get(h.id) ?? 1, h.copy + 1));
    }
  };
  const fate = (h: HeldView): DeliveryFate => {
    if (typeof h.to !== 'number') return { deliver: true };
    if (!view.isUp(h.to) || sentTo.get(key(h)) !== inc.get(h.to)) return { deliver: false, reason: 'crashed' };
    const blocked = net.blocked(h.from, h.to);
    return blocked ? { deliver: false, reason: blocked } : { deliver: true };
  };

  for (let i = 0; i < script.steps.length; i++) {
    const step = script.steps[i];
    const fail = (why: string): never => {
      throw new PinnedStepError(i + 1, `step ${i + 1}${step.label ? ` '${step.label}'` : ''} (${step.do}): ${why}`);
    };
    observe();
    yield { act: 'step', index: i };
    switch (step.do) {
      case 'deliver':
      case 'drop':
      case 'duplicate': {
        const found = view.held().filter((h) => matches(h, step));
        if (found.length === 0) {
          if (step.optional) break;
          fail(`no held ${patternText(step)}; ${heldText(view.held())}`);
        }
        const chosen = step.do !== 'duplicate' && step.all ? found : [found[0]];
        for (const h of chosen) {
          observe();
          if (step.do === 'duplicate') {
            const copy = nextCopy.get(h.id) ?? 1;
            nextCopy.set(h.id, copy + 1);
            sentTo.set(key({ id: h.id, copy }), sentTo.get(key(h))!);
            yield { act: 'duplicate', m: h, copy };
          } else yield { act: 'release', m: h, fate: step.do === 'drop' ? { deliver: false, reason: 'loss' } : fate(h) };
        }
        break;
      }
      case 'settle': {
        const max = step.max ?? DEFAULT_SETTLE_MAX;
        for (let done = 0; ; done++) {
          observe();
          const next = view.held().find((h) => !(step.except ?? []).some((p) => matches(h, p)));
          if (!next) break;
          if (done >= max) fail(`still delivering after ${max} messages: the protocol keeps sending (${heldText(view.held())})`);
          yield { act: 'release', m: next, fate: fate(next) };
        }
        break;
      }
      case 'fire': {
        const node = participant(step.node) as NodeId;
        if (!view.isUp(node)) {
          if (step.optional) break;
          fail(`S${node} is down`);
        }
        const armed = view.armed(node);
        if (!armed.includes(step.timer)) {
          if (step.optional) break;
          fail(`S${node} has no armed timer '${step.timer}' (armed: ${armed.length ? armed.join(', ') : 'none'})`);
        }
        yield { act: 'fire', node, name: step.timer };
        break;
      }
      case 'invoke':
      case 'timeout': {
        const c = view.client(step.client);
        const ok = step.do === 'invoke' ? c.canInvoke : c.canTimeout;
        if (ok !== true) fail(`${step.client} ${ok}`);
        yield { act: step.do, client: step.client };
        break;
      }
      case 'crash':
      case 'restart': {
        const node = participant(step.node) as NodeId;
        if (step.do === 'crash' && !view.isUp(node)) fail(`S${node} is already down`);
        if (step.do === 'restart' && view.isUp(node)) fail(`S${node} is up; crash it first`);
        if (step.do === 'crash') inc.set(node, inc.get(node)! + 1);
        yield { act: step.do, node };
        break;
      }
      case 'partition': {
        const groups = step.groups.map((g) => g.map((w) => participant(w) as NodeId));
        net.partition(groups);
        yield { act: 'partition', groups };
        break;
      }
      case 'heal':
        net.heal();
        yield { act: 'heal' };
        break;
      case 'cut':
      case 'restore': {
        const a = participant(step.a) as NodeId;
        const b = participant(step.b) as NodeId;
        net.setLink(a, b, step.do === 'restore');
        yield { act: 'link', a, b, up: step.do === 'restore' };
        break;
      }
    }
  }
}

/** Whether held copy `h` fits `p`. */
export function matches(h: HeldView, p: MessagePattern): boolean {
  if (p.from !== undefined && participant(p.from) !== h.from) return false;
  if (p.to !== undefined && participant(p.to) !== h.to) return false;
  if (p.kind !== undefined && h.msg.kind !== p.kind) return false;
  if (p.copy !== undefined && h.copy !== p.copy) return false;
  if (p.msg) for (const [k, v] of Object.entries(p.msg)) if (!sameJson(h.msg[k], v)) return false;
  return true;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `accept from S1 to S2 with {"slot":2}`. */
export function patternText(p: MessagePattern): string {
  const parts = [p.kind ?? 'message'];
  if (p.from !== undefined) parts.push(`from ${participantName(participant(p.from) ?? String(p.from))}`);
  if (p.to !== undefined) parts.push(`to ${participantName(participant(p.to) ?? String(p.to))}`);
  if (p.copy !== undefined) parts.push(`(copy ${p.copy})`);
  if (p.msg) parts.push(`with ${JSON.stringify(p.msg)}`);
  return parts.join(' ');
}

/** `#12 S1→S2 accept {"rnd":1,…}`. */
export function heldCopyText(h: HeldView): string {
  const { kind, ...rest } = h.msg;
  const fields = JSON.stringify(rest);
  return `#${h.id}${h.copy ? `.${h.copy}` : ''} ${participantName(h.from)}→${participantName(h.to)} ${String(kind)} ${fields.length > 80 ? fields.slice(0, 77) + '…' : fields}`;
}

function heldText(held: readonly HeldView[]): string {
  if (held.length === 0) return 'nothing is held now';
  const shown = held.slice(0, 8).map(heldCopyText);
  return `held now: ${shown.join('; ')}${held.length > 8 ? `; and ${held.length - 8} more` : ''}`;
}

/** The step that comes with `ScriptStep`, for drivers that describe one. */
export type { ScriptStep };

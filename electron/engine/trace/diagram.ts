/**
 * A text space-time diagram of a trace: one column per node, time flowing down, one line per event.
 * Messages are drawn when they arrive (or are lost) as arrows from the sender's column to the
 * receiver's; node events sit in the node's column; network-wide events are full-width rules.
 */
import type { NodeId } from '@paxlab/sdk';
import type { NetworkConfig, Participant, TraceEvent, TraceEventType, WireMessage } from './events.js';

export interface DiagramOptions {
  /** Columns per node (default 14, at least 6). */
  width?: number;
  /** Event types to draw (default: everything but send, delay, duplicate, timer and log). */
  types?: TraceEventType[];
  /** Message kinds to draw (default: every kind but heartbeat). */
  kinds?: string[];
  /** Longest line, in characters (default 120). */
  maxLineWidth?: number;
}

export const DEFAULT_DIAGRAM_TYPES: readonly TraceEventType[] = [
  'deliver', 'drop', 'crash', 'restart', 'partition', 'heal', 'link', 'net',
  'decide', 'client-request', 'client-reply', 'error', 'invoke', 'ok', 'fail', 'info',
];

const GUTTER = 8;

export function renderTraceDiagram(events: readonly TraceEvent[], opts: DiagramOptions = {}): string {
  const width = Math.max(6, Math.floor(opts.width ?? 14));
  const types = new Set<string>(opts.types ?? DEFAULT_DIAGRAM_TYPES);
  const kinds = opts.kinds ? new Set(opts.kinds) : null;
  const showKind = (k: string) => (kinds ? kinds.has(k) : k !== 'heartbeat');
  const maxWidth = Math.max(40, opts.maxLineWidth ?? 120);

  const meta = events[0]?.type === 'meta' ? events[0] : undefined;
  const nodes: NodeId[] = meta ? [...meta.nodes] : collectNodes(events);
  // Clients (format /2) get columns of their own, right of the nodes.
  const lanes: Participant[] = [...nodes, ...(meta?.clients ?? collectClients(events))];
  const col = new Map<Participant, number>(lanes.map((n, i) => [n, GUTTER + i * width + Math.floor(width / 2)]));
  const total = GUTTER + lanes.length * width;
  const up = new Map<Participant, boolean>(lanes.map((n) => [n, true]));
  /** The send event of each message id, for the label of a drop (which carries no message). */
  const sent = new Map<number, WireMessage>();

  const out: string[] = [];
  if (meta) {
    const bits = [meta.title, `source ${meta.source}`, meta.seed !== undefined ? `seed ${meta.seed}` : undefined, meta.network ? netText(meta.network) : undefined];
    out.push(bits.filter(Boolean).join(' · '));
  }
  const header = blank(total);
  for (const n of lanes) put(header, col.get(n)! - String(n).length, typeof n === 'number' ? `N${n}` : n);
  out.push(finish(header, maxWidth));
  out.push('─'.repeat(Math.min(total, maxWidth)));

  let lastT: number | undefined;
  const line = (t: number): string[] => {
    const l = blank(total);
    for (const n of lanes) l[col.get(n)!] = up.get(n) ? '│' : typeof n === 'number' ? '·' : ' ';
    if (t !== lastT) put(l, 0, fmtTime(t).padStart(GUTTER - 2));
    lastT = t;
    return l;
  };
  const rule = (t: number, char: string, text: string) => {
    const l = blank(total).fill(char);
    put(l, 0, fmtTime(t).padStart(GUTTER - 2) + ' ');
    put(l, GUTTER + 1, ` ${text} `);
    lastT = t;
    out.push(finish(l, maxWidth));
  };

  for (const e of events) {
    if (e.type === 'send') sent.set(e.id, e.msg);
    if (e.type === 'crash') up.set(e.node, false);
    if (e.type === 'restart') up.set(e.node, true);
    if (!types.has(e.type)) continue;
    switch (e.type) {
      case 'meta':
        break;
      case 'send':
      case 'deliver':
      case 'drop': {
        const msg = e.type === 'drop' ? sent.get(e.id) : e.msg;
        if (msg && !showKind(msg.kind)) break;
        if (!col.has(e.from) || !col.has(e.to)) break;
        const l = line(e.t);
        const label = (msg ? msgLabel(msg) : `#${e.id}`) + (e.type !== 'send' && e.copy > 0 ? ' (dup)' : '');
        const end = e.type === 'deliver' ? 'arrive' : e.type === 'send' ? 'open' : 'lost';
        arrow(l, col.get(e.from)!, col.get(e.to)!, label, end, e.type === 'drop' ? `[${e.reason}]` : '');
        out.push(finish(l, maxWidth));
        break;
      }
      case 'partition':
        rule(e.t, '═', `partition ${e.groups.map((g) => `{${g.join(',')}}`).join(' | ')}`);
        break;
      case 'heal':
        rule(e.t, '═', 'heal');
        break;
      case 'link':
        rule(e.t, '┄', `link ${e.a}-${e.b} ${e.up ? 'restored' : 'cut'}`);
        break;
      case 'net':
        rule(e.t, '┄', `network ${netText(e.network)}`);
        break;
      case 'duplicate':
      case 'delay': {
        if (!col.has(e.from)) break;
        const msg = sent.get(e.id);
        if (msg && !showKind(msg.kind)) break;
        const l = line(e.t);
        const what = e.type === 'duplicate' ? `duplicates #${e.id} to N${e.to}` : `holds #${e.id} to N${e.to} ${e.ms} ms`;
        put(l, col.get(e.from)! + 1, ` net ${what}`);
        out.push(finish(l, maxWidth));
        break;
      }
      case 'invoke':
      case 'ok':
      case 'fail':
      case 'info': {
        const l = line(e.t);
        put(l, col.get(e.client) ?? GUTTER, nodeEventText(e));
        out.push(finish(l, maxWidth));
        break;
      }
      default: {
        const node = 'node' in e ? e.node : undefined;
        const l = line(e.t);
        const text = nodeEventText(e);
        if (node !== undefined && col.has(node)) put(l, col.get(node)!, text);
        else put(l, GUTTER, text);
        out.push(finish(l, maxWidth));
      }
    }
  }
  return out.join('\n') + '\n';
}

function nodeEventText(e: TraceEvent): string {
  switch (e.type) {
    case 'crash':
      return '╳ CRASH';
    case 'restart':
      return '↻ RESTART';
    case 'decide':
      return `★ DECIDE ${JSON.stringify(e.value)}${e.slot ? ` slot ${e.slot}` : ''}`;
    case 'client-request':
      return `◆ request ${e.request} ${JSON.stringify(e.value)}`;
    case 'client-reply':
      return `◇ reply ${e.request} ${JSON.stringify(e.result)}`;
    case 'timer':
      return `◷ ${e.name}`;
    case 'error':
      return `! ERROR ${e.message}`;
    case 'log':
      return `# ${e.text}`;
    case 'invoke':
      return `▷ ${e.request} ${e.op.f} ${JSON.stringify(Object.fromEntries(Object.entries(e.op).filter(([k]) => k !== 'f')))} → N${e.node}`;
    case 'ok':
      return `✓ ${e.request} ${JSON.stringify(e.result)}`;
    case 'fail':
      return `✗ ${e.request} failed: ${e.reason}`;
    case 'info':
      return `? ${e.request} unknown: ${e.reason}`;
    default:
      return e.type;
  }
}

/** `prepare crnd=6`, `promise rnd=6 vrnd=2 vval="x"`: the kind and every field but from/to. */
export function msgLabel(msg: WireMessage): string {
  const parts = [msg.kind];
  for (const [k, v] of Object.entries(msg)) {
    if (k === 'kind' || k === 'from' || k === 'to') continue;
    const s = JSON.stringify(v);
    parts.push(`${k}=${s === undefined ? String(v) : s.length > 16 ? s.slice(0, 15) + '…' : s}`);
  }
  return parts.join(' ');
}

/** Draw an arrow from column a to column b with `label` on it (or beside it if it does not fit). */
function arrow(l: string[], a: number, b: number, label: string, end: 'arrive' | 'lost' | 'open', note: string): void {
  const tip = end === 'lost' ? '✗' : end === 'open' ? '…' : a <= b ? '▶' : '◀';
  if (a === b) {
    put(l, a, `↺ ${label}${note ? ' ' + note : ''}`);
    return;
  }
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  for (let i = lo + 1; i < hi; i++) l[i] = end === 'lost' ? '╌' : '─';
  l[a] = '•';
  l[b] = tip;
  const inner = hi - lo - 1;
  const text = ` ${label} `;
  if (text.length <= inner - 2) {
    // Centre the label on the arrow's shaft.
    put(l, lo + 1 + Math.floor((inner - text.length) / 2), text);
    if (note) put(l, hi + 2, note);
  } else {
    put(l, hi + 2, label + (note ? ` ${note}` : ''));
  }
}

function blank(n: number): string[] {
  return new Array<string>(n).fill(' ');
}

/** Write `text` into the line from position `at`, growing the line if needed. */
function put(l: string[], at: number, text: string): void {
  let i = Math.max(0, at);
  for (const ch of text) {
    while (l.length <= i) l.push(' ');
    l[i++] = ch;
  }
}

function finish(l: string[], maxWidth: number): string {
  const s = l.join('').trimEnd();
  const chars = [...s];
  return chars.length > maxWidth ? chars.slice(0, maxWidth - 1).join('') + '…' : s;
}

function fmtTime(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(1);
}

function netText(n: NetworkConfig): string {
  return `loss=${n.loss} dup=${n.dup} delay=${n.minDelayMs}-${n.maxDelayMs}ms`;
}

function collectNodes(events: readonly TraceEvent[]): NodeId[] {
  const s = new Set<NodeId>();
  for (const e of events) {
    if ('node' in e && typeof e.node === 'number') s.add(e.node);
    if ('from' in e && typeof e.from === 'number') s.add(e.from);
    if ('to' in e && typeof e.to === 'number') s.add(e.to);
  }
  return [...s].sort((a, b) => a - b);
}

function collectClients(events: readonly TraceEvent[]): string[] {
  const s = new Set<string>();
  for (const e of events) if ('client' in e && typeof e.client === 'string') s.add(e.client);
  return [...s].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

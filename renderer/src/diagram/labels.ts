/** Short lecture-style labels for messages: prepare(4), promise(4, 1, "x"), accept(4, "x"). */
export function messageLabel(msg: { kind: string; [k: string]: unknown }): string {
  // A command written as JSON (the course's chapters send those) reads as the operation.
  const v = (x: unknown) => (x === null || x === undefined ? '⊥' : typeof x === 'string' ? (commandText(x) ?? JSON.stringify(x)) : String(x));
  // The course's early chapters number log commands (`seq`) before they have rounds.
  const numbered = msg.rnd === undefined && typeof msg.seq === 'number';
  switch (msg.kind) {
    case 'prepare':
      return `prepare(${v(msg.crnd ?? msg.rnd)})`;
    case 'promise':
      return `promise(${v(msg.rnd)}, ${v(msg.vrnd)}, ${v(msg.vval)})`;
    case 'accept':
      return numbered ? `accept(#${msg.seq}, ${v(msg.val)})` : `accept(${v(msg.rnd)}, ${v(msg.val)})`;
    case 'learn':
      if (numbered) return msg.val === undefined ? `learn(#${msg.seq})` : `learn(#${msg.seq}, ${v(msg.val)})`;
      return `learn(${v(msg.rnd)}, ${v(msg.val)})`;
    default:
      return msg.kind;
  }
}

/**
 * A decision's label. A Multi-Paxos slot's value is a batch of client commands (JSON) or a no-op:
 * the label names the slot and what it holds, not the JSON; other values are shown as they are,
 * cut when long.
 */
export function decideLabel(e: { value: unknown; slot?: number }): string {
  const v = e.value;
  if (typeof v === 'string' && v.startsWith('[')) {
    try {
      const batch = JSON.parse(v) as unknown;
      if (Array.isArray(batch)) {
        const ids = batch.map((c) => (c && typeof c === 'object' && typeof (c as { id?: unknown }).id === 'string' ? (c as { id: string }).id : '?'));
        return `slot ${e.slot ?? '?'}: ${ids.length > 3 ? `${ids.slice(0, 3).join(' ')} +${ids.length - 3}` : ids.join(' ')}`;
      }
    } catch {
      /* not a batch: shown as it is */
    }
  }
  if (typeof v === 'string' && v === 'no-op' && e.slot !== undefined) return `slot ${e.slot}: no-op`;
  return `decided ${valueText(v)}`;
}

/**
 * A service command written as JSON (`{"f":"acquire","key":"L1"}`, what the course's chapters
 * decide) as the diagram writes an operation: `acquire L1`; null for anything else.
 */
export function commandText(v: unknown): string | null {
  if (typeof v !== 'string' || !v.startsWith('{')) return null;
  try {
    const op = JSON.parse(v) as unknown;
    if (!op || typeof op !== 'object' || Array.isArray(op)) return null;
    const { f } = op as { f?: unknown };
    return typeof f === 'string' ? opWords(op as { f: string }) : null;
  } catch {
    return null;
  }
}

/** An operation as the diagram writes it, its words in a row: `put x 3`, `acquire L1`. */
export function opWords(op: { f: string; key?: unknown; value?: unknown }): string {
  return [op.f, op.key, op.value].filter((x) => x !== undefined).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ');
}

/** A decided value, short: a command as `acquire L1`, anything else as JSON, cut when long. */
export function valueText(v: unknown): string {
  const text = commandText(v) ?? JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

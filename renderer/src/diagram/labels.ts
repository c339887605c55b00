/** Short lecture-style labels for messages: prepare(4), promise(4, 1, "x"), accept(4, "x"). */
export function messageLabel(msg: { kind: string; [k: string]: unknown }): string {
  const v = (x: unknown) => (x === null || x === undefined ? '⊥' : typeof x === 'string' ? JSON.stringify(x) : String(x));
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

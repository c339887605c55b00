/**
 * Narration stepping, pure: which step is current, where the diagram goes for it (the index range
 * of the events the step talks about) and how many events are shown (the run up to the end of
 * that step, so the story unfolds), and what a key does. The diagram's own index maps seqs to
 * indices (events it hides are skipped).
 */
export interface NarrationLine {
  text: string;
  seqs: number[];
}

export interface StepView {
  /** Index range [from, to] of the step's events in the diagram, or null when it points at none. */
  focus: [number, number] | null;
  /** Events shown: everything up to and including the step's last event (all of them when none). */
  limit: number;
  /** The step's events as diagram indices (for highlighting). */
  indices: number[];
}

export function clampStep(step: number, count: number): number {
  if (count <= 0) return 0;
  return Math.max(0, Math.min(count - 1, Math.trunc(step)));
}

/**
 * The view of narration step `step`. `indexOfSeq` answers a seq's index in the diagram (or -1 when
 * the diagram does not show it); `length` is how many events the diagram holds. A step that points
 * at nothing keeps the previous steps' reach, so the diagram never jumps back.
 */
export function stepView(lines: readonly NarrationLine[], step: number, indexOfSeq: (seq: number) => number, length: number): StepView {
  if (lines.length === 0) return { focus: null, limit: length, indices: [] };
  const s = clampStep(step, lines.length);
  const indices = lines[s].seqs.map(indexOfSeq).filter((i) => i >= 0).sort((a, b) => a - b);
  let reach = -1;
  for (let k = 0; k <= s; k++) for (const seq of lines[k].seqs) reach = Math.max(reach, indexOfSeq(seq));
  const last = s === lines.length - 1;
  // The last step shows the whole run: what follows it (a settle's tail) belongs to the story too.
  const limit = last || reach < 0 ? length : Math.min(length, reach + 1);
  const focus: [number, number] | null = indices.length ? [indices[0], indices[indices.length - 1]] : null;
  return { focus, limit, indices };
}

export type NarrationKey = 'next' | 'prev' | 'first' | 'last' | null;

/** The player's keys: n / ] next step, p / [ previous, Home first, End last (arrows pan, as in the playground). */
export function narrationKey(key: string): NarrationKey {
  if (key === 'n' || key === ']') return 'next';
  if (key === 'p' || key === '[') return 'prev';
  if (key === 'Home') return 'first';
  if (key === 'End') return 'last';
  return null;
}

export function applyNarrationKey(step: number, count: number, k: NarrationKey): number {
  if (k === 'next') return clampStep(step + 1, count);
  if (k === 'prev') return clampStep(step - 1, count);
  if (k === 'first') return 0;
  if (k === 'last') return clampStep(count - 1, count);
  return step;
}

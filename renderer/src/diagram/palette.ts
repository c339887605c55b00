/** Diagram colours, read from the theme's CSS custom properties so canvas and DOM match. */
export interface Palette {
  bg: string;
  fg: string;
  muted: string;
  grid: string;
  nodeLine: string;
  down: string;
  partition: string;
  select: string;
  playhead: string;
  drop: string;
  decide: string;
  crash: string;
  restart: string;
  client: string;
  /** The events that break a rule, and a counterexample's step numbers. */
  highlight: string;
  step: string;
  stepFg: string;
  kinds: Record<string, string>;
  other: string;
  font: string;
}

export function readPalette(el: Element): Palette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--diagram-bg', '#ffffff'),
    fg: v('--fg', '#1b1f24'),
    muted: v('--muted', '#667'),
    grid: v('--diagram-grid', '#e5e7eb'),
    nodeLine: v('--diagram-node', '#374151'),
    down: v('--diagram-down', '#9ca3af'),
    partition: v('--diagram-partition', 'rgba(220, 38, 38, 0.08)'),
    select: v('--accent', '#2563eb'),
    playhead: v('--diagram-playhead', '#db2777'),
    drop: v('--danger', '#dc2626'),
    decide: v('--diagram-decide', '#b45309'),
    crash: v('--danger', '#dc2626'),
    restart: v('--ok', '#15803d'),
    client: v('--diagram-client', '#0e7490'),
    highlight: v('--danger', '#b91c1c'),
    step: v('--accent', '#1d4ed8'),
    stepFg: v('--accent-fg', '#ffffff'),
    kinds: {
      prepare: v('--msg-prepare', '#2563eb'),
      promise: v('--msg-promise', '#0d9488'),
      accept: v('--msg-accept', '#d97706'),
      learn: v('--msg-learn', '#7c3aed'),
    },
    other: v('--msg-other', '#6b7280'),
    font: v('--diagram-font', '13px system-ui, sans-serif'),
  };
}

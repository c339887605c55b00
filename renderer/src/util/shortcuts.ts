/**
 * Global keyboard shortcuts, one table shared by the handler and the help overlay. Single-key
 * shortcuts are ignored while typing in a field or the editor.
 */
export interface Shortcut {
  keys: string;
  what: string;
  where: 'everywhere' | 'lab' | 'playground' | 'course';
}

export const SHORTCUTS: Shortcut[] = [
  { keys: '?', what: 'Show or hide this help', where: 'everywhere' },
  { keys: 'Alt+0', what: 'The course', where: 'everywhere' },
  { keys: 'Alt+1', what: 'Lab catalog', where: 'everywhere' },
  { keys: 'Alt+2', what: 'Last opened lab', where: 'everywhere' },
  { keys: 'Alt+3', what: 'Cluster playground', where: 'everywhere' },
  { keys: 'Alt+T', what: 'Toggle light / dark theme', where: 'everywhere' },
  { keys: 'Ctrl+= / Ctrl+-', what: 'Bigger / smaller text, for a projector (Alt+= / Alt+- too)', where: 'everywhere' },
  { keys: 'Esc', what: 'Close dialogs; in the editor, then Tab leaves it', where: 'everywhere' },
  { keys: 'Ctrl+S', what: 'Save now (autosave runs anyway)', where: 'lab' },
  { keys: 'Ctrl+Enter', what: 'Run the public tests (in the editor too, without a new line)', where: 'lab' },
  { keys: 'Ctrl+B', what: 'Build (check for errors)', where: 'lab' },
  { keys: 'Space', what: 'Pause / resume the live diagram', where: 'playground' },
  { keys: '. / ,', what: 'Step one event forward / back', where: 'playground' },
  { keys: '← / →', what: 'Scroll the diagram in time', where: 'playground' },
  { keys: '+ / −', what: 'Zoom the diagram in / out', where: 'playground' },
  { keys: 'End', what: 'Jump to the newest event (live)', where: 'playground' },
  { keys: '1 … 7', what: 'Inspect node S1 … S7', where: 'playground' },
  { keys: 'Esc', what: 'Close the inspector', where: 'playground' },
  { keys: 'n / p', what: 'Next / previous narration step', where: 'course' },
  { keys: '. / ,', what: 'Step one event forward / back', where: 'course' },
  { keys: '← / →', what: 'Scroll the diagram in time', where: 'course' },
  { keys: '+ / −', what: 'Zoom the diagram in / out', where: 'course' },
];

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || !!el.closest?.('.cm-editor');
}

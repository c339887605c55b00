/**
 * The editor's basic set-up, assembled from the CodeMirror 6 packages we have (the `codemirror`
 * meta-package installed here is the old v5 line, and @codemirror/commands is not installed):
 * gutters, highlighting, bracket handling, auto-indent on Enter, and a small undo history.
 */
import { Annotation, EditorSelection, EditorState, StateEffect, StateField, type Extension } from '@codemirror/state';
import {
  EditorView,
  crosshairCursor,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  rectangularSelection,
} from '@codemirror/view';
import { bracketMatching, defaultHighlightStyle, foldGutter, indentOnInput, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { lintKeymap } from '@codemirror/lint';

/** Enter keeps the current line's indentation and adds a level after an opening bracket. */
function newlineAndIndent(view: EditorView): boolean {
  const { state } = view;
  view.dispatch(
    state.changeByRange((range) => {
      const line = state.doc.lineAt(range.from);
      const before = state.sliceDoc(line.from, range.from);
      const indent = /^\s*/.exec(line.text)![0];
      const opens = /[{[(]\s*$/.test(before);
      const closes = /^\s*[}\])]/.test(state.sliceDoc(range.to, line.to));
      const inner = opens ? indent + '  ' : indent;
      const insert = opens && closes ? `\n${inner}\n${indent}` : `\n${inner}`;
      return {
        changes: { from: range.from, to: range.to, insert },
        range: EditorSelection.cursor(range.from + 1 + inner.length),
      };
    }),
    { scrollIntoView: true, userEvent: 'input' },
  );
  return true;
}

/** Tab indents (Esc then Tab leaves the editor, as in CodeMirror's accessibility model). */
function indentMore(view: EditorView): boolean {
  view.dispatch(view.state.replaceSelection('  '), { userEvent: 'input' });
  return true;
}

// --- a small undo history: snapshots grouped by pauses in typing --------------------------------

interface Snap {
  text: string;
  anchor: number;
  head: number;
}
interface History {
  done: Snap[];
  undone: Snap[];
  lastAt: number;
}
const EMPTY: History = { done: [], undone: [], lastAt: 0 };
/** Carries the stacks after an undo/redo (that transaction itself is not recorded). */
const setHistory = StateEffect.define<History>();
/** Marks a whole-text replacement from outside (load, disk change): it starts a new history. */
export const externalReplace = Annotation.define<boolean>();
const GROUP_MS = 600;
const MAX_STEPS = 300;

const historyField = StateField.define<History>({
  create: () => EMPTY,
  update(h, tr) {
    for (const e of tr.effects) if (e.is(setHistory)) return e.value;
    if (!tr.docChanged) return h;
    if (tr.annotation(externalReplace)) return EMPTY;
    const now = Date.now();
    const sel = tr.startState.selection.main;
    const snap = { text: tr.startState.doc.toString(), anchor: sel.anchor, head: sel.head };
    const done = now - h.lastAt < GROUP_MS && h.done.length ? h.done : [...h.done, snap].slice(-MAX_STEPS);
    return { done, undone: [], lastAt: now };
  },
});

function travel(view: EditorView, dir: 'undo' | 'redo'): boolean {
  const h = view.state.field(historyField);
  const from = dir === 'undo' ? h.done : h.undone;
  const snap = from[from.length - 1];
  if (!snap) return false;
  const sel = view.state.selection.main;
  const current = { text: view.state.doc.toString(), anchor: sel.anchor, head: sel.head };
  const next: History =
    dir === 'undo'
      ? { done: h.done.slice(0, -1), undone: [...h.undone, current], lastAt: 0 }
      : { done: [...h.done, current], undone: h.undone.slice(0, -1), lastAt: 0 };
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: snap.text },
    selection: EditorSelection.single(Math.min(snap.anchor, snap.text.length), Math.min(snap.head, snap.text.length)),
    effects: setHistory.of(next),
    userEvent: dir,
    scrollIntoView: true,
  });
  return true;
}

export function basicEditor(): Extension {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    foldGutter(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    indentUnit.of('  '),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    bracketMatching(),
    closeBrackets(),
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    historyField,
    keymap.of([
      ...closeBracketsKeymap,
      ...completionKeymap,
      ...lintKeymap,
      { key: 'Enter', run: newlineAndIndent },
      { key: 'Mod-z', run: (v) => travel(v, 'undo'), preventDefault: true },
      { key: 'Mod-y', run: (v) => travel(v, 'redo'), preventDefault: true },
      { key: 'Mod-Shift-z', run: (v) => travel(v, 'redo'), preventDefault: true },
      { key: 'Tab', run: indentMore },
    ]),
  ];
}

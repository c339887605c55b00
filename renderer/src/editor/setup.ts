/**
 * The editor's basic set-up, from CodeMirror 6's own packages: gutters, highlighting, brackets,
 * undo history, search, and the standard keymaps. Tab indents; Esc then Tab leaves the editor
 * (CodeMirror's accessibility model), so keyboard users are never trapped.
 */
import { Annotation, Compartment, EditorState, Transaction, type Extension } from '@codemirror/state';
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
import { bracketMatching, defaultHighlightStyle, foldGutter, foldKeymap, indentOnInput, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { lintKeymap, setDiagnostics } from '@codemirror/lint';

/** Holds the undo history, so a document replaced from outside can start a fresh one. */
const historySlot = new Compartment();

/** Marks the transaction of `replaceDocument`: state that depends on the text is computed afresh. */
export const documentReplaced = Annotation.define<true>();

/**
 * Replace the whole document with text that came from outside the editor (a file loaded, or changed
 * on disk by another editor). Undo must not step back into the old file, so the history restarts.
 * Not a student's edit: filters that guard what a student may change (editable-region.ts) let it by.
 */
export function replaceDocument(view: EditorView, text: string): void {
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: text },
    annotations: [Transaction.addToHistory.of(false), documentReplaced.of(true)],
    filter: false,
    effects: historySlot.reconfigure([]),
  });
  // The old text's diagnostics say nothing about the new one; the linters check it afresh.
  view.dispatch(setDiagnostics(view.state, []));
  view.dispatch({ effects: historySlot.reconfigure(history()) });
}

export function basicEditor(): Extension {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    historySlot.of(history()),
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
    highlightSelectionMatches(),
    keymap.of([
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...searchKeymap,
      ...historyKeymap,
      ...foldKeymap,
      ...completionKeymap,
      ...lintKeymap,
      indentWithTab,
    ]),
  ];
}

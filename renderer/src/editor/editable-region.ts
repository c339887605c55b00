/**
 * The course's Fix editor lets a student edit only the body of the chapter's handler: the rest of
 * the server is there to read. The body (found by handler-region.ts) is kept in a state field and
 * mapped through every change — its start sticks to the left and its end to the right, so typing
 * at either edge stays inside. A student's change outside it is dropped, and one that spans its
 * edges is clipped to it (select-all then type replaces the body, not the file). A document
 * replaced from outside (reload, Reset, a change on disk: `replaceDocument`) is not a student's
 * edit: it passes unfiltered and the body is found afresh in the new text. When the body cannot be
 * found, the whole file is editable, and found again as soon as the text has it.
 *
 * A transaction filter, not `EditorState.changeFilter`: a change filter can only drop parts of a
 * change, and the text a change inserts belongs to its start, so select-all + type would delete the
 * body and drop what was typed. The filter has the highest precedence, so it runs last and sees the
 * changes other filters add.
 */
import { EditorSelection, EditorState, Prec, RangeSetBuilder, StateField, Transaction, type ChangeSpec, type Extension, type StateCommand } from '@codemirror/state';
import { Decoration, EditorView, keymap, type DecorationSet } from '@codemirror/view';
import { findHandlerRegion, handlerBodyLines, type HandlerRegion } from './handler-region.js';
import { documentReplaced } from './setup.js';

interface Editable {
  /** The method whose body is editable (a manifest's `handler.name`). */
  name: string;
  /** Its body now, or null when the text has no such method (then the whole file is editable). */
  region: HandlerRegion | null;
}

const editableField = StateField.define<Editable>({
  create: () => ({ name: '', region: null }),
  update(value, tr) {
    if (!tr.docChanged) return value;
    if (value.region === null || tr.annotation(documentReplaced)) {
      const region = findHandlerRegion(tr.newDoc.toString(), value.name);
      return region === null && value.region === null ? value : { name: value.name, region };
    }
    return { name: value.name, region: { from: tr.changes.mapPos(value.region.from, -1), to: tr.changes.mapPos(value.region.to, 1) } };
  },
});

/**
 * The editable body in this state: undefined when the editor edits whole files, null when the
 * method is not in the text (the whole file is editable).
 */
export function editableRegionOf(state: EditorState): HandlerRegion | null | undefined {
  return state.field(editableField, false)?.region;
}

/** A student's transaction with its changes clipped to the editable body (the same one when all are inside). */
const clipToRegion = EditorState.transactionFilter.of((tr) => {
  if (!tr.docChanged || tr.annotation(documentReplaced)) return tr;
  const region = editableRegionOf(tr.startState);
  if (!region) return tr;
  let outside = false;
  const kept: { from: number; to: number; insert: string }[] = [];
  tr.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
    const insert = inserted.toString();
    if (fromA >= region.from && toA <= region.to) {
      kept.push({ from: fromA, to: toA, insert });
      return;
    }
    outside = true;
    const from = Math.max(fromA, region.from);
    const to = Math.min(toA, region.to);
    // A change that overlaps the body, or covers it whole (an empty body), is clipped to it;
    // one that only touches the read-only text is dropped.
    if (from < to || (fromA <= region.from && toA >= region.to)) kept.push({ from, to, insert });
  });
  if (!outside) return tr;
  if (kept.length === 0) return [];
  const changes: ChangeSpec[] = kept;
  const set = tr.startState.changes(changes);
  const last = kept[kept.length - 1];
  return {
    changes: set,
    selection: EditorSelection.cursor(set.mapPos(last.to, 1)),
    scrollIntoView: true,
    annotations: tr.annotation(Transaction.userEvent) ? Transaction.userEvent.of(tr.annotation(Transaction.userEvent)!) : [],
  };
});

/**
 * Select the handler's body (its lines between the braces) when the selection is inside it and
 * is not that already; otherwise leave Mod-a to select the whole file.
 */
export const selectHandlerBody: StateCommand = ({ state, dispatch }) => {
  const region = editableRegionOf(state);
  if (!region) return false;
  const sel = state.selection.main;
  if (sel.from < region.from || sel.to > region.to) return false;
  const body = handlerBodyLines(state.doc.toString(), region);
  if (sel.from === body.from && sel.to === body.to) return false;
  dispatch(state.update({ selection: EditorSelection.single(body.from, body.to), userEvent: 'select' }));
  return true;
};

const readOnlyLine = Decoration.line({ class: 'cm-readonly-line' });
const handlerLine = Decoration.line({ class: 'cm-handler-line' });

/** Read-only lines dimmed, the body's lines marked. */
function lineDecorations(state: EditorState): DecorationSet {
  const region = editableRegionOf(state);
  if (!region) return Decoration.none;
  const body = handlerBodyLines(state.doc.toString(), region);
  const first = state.doc.lineAt(body.from).number;
  const last = state.doc.lineAt(body.to).number;
  const out = new RangeSetBuilder<Decoration>();
  for (let n = 1; n <= state.doc.lines; n++) {
    const line = state.doc.line(n);
    out.add(line.from, line.from, n >= first && n <= last ? handlerLine : readOnlyLine);
  }
  return out.finish();
}

const theme = EditorView.baseTheme({
  '.cm-readonly-line': { opacity: '0.55' },
  '&light .cm-handler-line': { backgroundColor: 'rgba(40, 110, 230, 0.06)', boxShadow: 'inset 3px 0 0 rgba(40, 110, 230, 0.45)' },
  '&dark .cm-handler-line': { backgroundColor: 'rgba(120, 170, 255, 0.08)', boxShadow: 'inset 3px 0 0 rgba(120, 170, 255, 0.5)' },
});

/**
 * Only the body of the method `name` is editable. `onFound` hears when the body is lost from the
 * text (whole file editable) or found again.
 */
export function editableRegion(name: string, onFound?: (found: boolean) => void): Extension {
  return [
    editableField.init((state) => ({ name, region: findHandlerRegion(state.doc.toString(), name) })),
    Prec.highest(clipToRegion),
    Prec.high(keymap.of([{ key: 'Mod-a', run: selectHandlerBody }])),
    EditorView.decorations.compute(['doc', editableField], lineDecorations),
    theme,
    onFound
      ? EditorView.updateListener.of((u) => {
          const was = editableRegionOf(u.startState) != null;
          const now = editableRegionOf(u.state) != null;
          if (was !== now) onFound(now);
        })
      : [],
  ];
}

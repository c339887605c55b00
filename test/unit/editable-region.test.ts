/**
 * The Fix editor's editable region (renderer/src/editor/editable-region.ts) on real CodeMirror
 * states holding chapter 4's starter: a student's change outside the handler's body is dropped,
 * one spanning its edges is clipped to it, typing at either edge stays inside, a document replaced
 * from outside passes and the body is found afresh (or the whole file is editable without it), and
 * Mod-a selects the body. The browser walk is in test/e2e/course.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EditorSelection, EditorState, Transaction, type TransactionSpec } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { editableRegion, editableRegionOf, selectHandlerBody } from '../../renderer/src/editor/editable-region.js';
import { documentReplaced } from '../../renderer/src/editor/setup.js';
import { findHandlerRegion, handlerBodyLines } from '../../renderer/src/editor/handler-region.js';

const STARTER = readFileSync(fileURLToPath(new URL('../../labs/chapter-4-wait-for-learn/starter/node.ts', import.meta.url)), 'utf8');
const NAME = 'onClientRequest';
const region0 = findHandlerRegion(STARTER, NAME)!;

const make = (doc = STARTER) => EditorState.create({ doc, extensions: [editableRegion(NAME)] });
/** A student's edit (filtered, as the view's input would be). */
const edit = (s: EditorState, spec: TransactionSpec) => s.update({ userEvent: 'input.type', ...spec }).state;
/** What `replaceDocument` dispatches. */
const replaced = (s: EditorState, text: string) =>
  s.update({ changes: { from: 0, to: s.doc.length, insert: text }, annotations: [Transaction.addToHistory.of(false), documentReplaced.of(true)], filter: false }).state;
const withBody = (body: string) => STARTER.slice(0, region0.from) + body + STARTER.slice(region0.to);

describe('edits', () => {
  test('the region starts as the handler body', () => {
    expect(editableRegionOf(make())).toEqual(region0);
    expect(editableRegionOf(EditorState.create({ doc: STARTER }))).toBeUndefined();
  });

  test('typing on a read-only line, or deleting there, changes nothing', () => {
    const s = make();
    const classLine = STARTER.indexOf('export class Node');
    expect(edit(s, { changes: { from: classLine, insert: 'zzz' } }).doc.toString()).toBe(STARTER);
    expect(edit(s, { changes: { from: 0, to: 3 } }).doc.toString()).toBe(STARTER);
    expect(edit(s, { changes: { from: STARTER.length, insert: '\n// more' } }).doc.toString()).toBe(STARTER);
    // Removing the opening or closing brace of the handler is outside too.
    expect(edit(s, { changes: { from: region0.from - 1, to: region0.from } }).doc.toString()).toBe(STARTER);
    expect(edit(s, { changes: { from: region0.to, to: region0.to + 1 } }).doc.toString()).toBe(STARTER);
  });

  test('typing inside, and at either edge, stays inside; the region follows', () => {
    let s = make();
    s = edit(s, { changes: { from: region0.from, insert: '\n    // first' } });
    s = edit(s, { changes: { from: editableRegionOf(s)!.to, insert: '  // last\n' } });
    const r = editableRegionOf(s)!;
    expect(s.doc.sliceString(r.from, r.to)).toBe('\n    // first' + STARTER.slice(region0.from, region0.to) + '  // last\n');
    // And then a change in the middle of the body.
    const mid = r.from + 20;
    s = edit(s, { changes: { from: mid, insert: 'X' } });
    expect(editableRegionOf(s)!.to).toBe(r.to + 1);
    expect(s.doc.toString()).toBe(withBody(s.doc.sliceString(r.from, r.to + 1)));
  });

  test('select-all + type replaces the body only; a change across an edge is clipped to the body', () => {
    const s = make();
    const all = edit(s, { changes: { from: 0, to: STARTER.length, insert: '\n    return;\n  ' } });
    expect(all.doc.toString()).toBe(withBody('\n    return;\n  '));
    expect(all.selection.main.head).toBe(region0.from + '\n    return;\n  '.length);
    // From the class line into the body's first characters: only the body's part goes.
    const across = edit(s, { changes: { from: region0.from - 10, to: region0.from + 3, insert: '' } });
    expect(across.doc.toString()).toBe(withBody(STARTER.slice(region0.from + 3, region0.to)));
    // A transaction with changes on both sides keeps only those inside.
    const both = edit(s, { changes: [{ from: 0, insert: 'a' }, { from: region0.from + 1, insert: 'b' }] });
    expect(both.doc.toString()).toBe(withBody(STARTER.slice(region0.from, region0.from + 1) + 'b' + STARTER.slice(region0.from + 1, region0.to)));
  });

  test('an empty body is still editable, and select-all + type fills it', () => {
    const emptied = edit(make(), { changes: { from: region0.from, to: region0.to } });
    expect(emptied.doc.toString()).toBe(withBody(''));
    expect(editableRegionOf(emptied)).toEqual({ from: region0.from, to: region0.from });
    expect(edit(emptied, { changes: { from: 0, to: emptied.doc.length, insert: 'x();' } }).doc.toString()).toBe(withBody('x();'));
  });
});

describe('a document replaced from outside', () => {
  test('passes the filter and the body is found in the new text', () => {
    const other = STARTER.replace('export class Node', '// reloaded\nexport class Node');
    const s = replaced(make(), other);
    expect(s.doc.toString()).toBe(other);
    expect(editableRegionOf(s)).toEqual(findHandlerRegion(other, NAME));
  });

  test('without the method the whole file is editable, and restricted again once the method is back', () => {
    const renamed = STARTER.replace(`${NAME}(`, 'somethingElse(');
    let s = replaced(make(), renamed);
    expect(editableRegionOf(s)).toBeNull();
    s = edit(s, { changes: { from: 0, insert: '// anywhere\n' } });
    expect(s.doc.toString()).toBe('// anywhere\n' + renamed);
    const at = s.doc.toString().indexOf('somethingElse(');
    s = edit(s, { changes: { from: at, to: at + 'somethingElse'.length, insert: NAME } });
    expect(editableRegionOf(s)).toEqual(findHandlerRegion(s.doc.toString(), NAME));
    expect(edit(s, { changes: { from: 0, insert: 'x' } }).doc.toString()).toBe(s.doc.toString());
  });
});

describe('Mod-a', () => {
  const run = (s: EditorState) => {
    let next: EditorState | null = null;
    const ran = selectHandlerBody({ state: s, dispatch: (tr) => (next = tr.state) });
    return { ran, next: next as EditorState | null };
  };

  test('inside the body selects its lines; pressed again, it leaves Mod-a to select the file', () => {
    const inside = make().update({ selection: EditorSelection.cursor(region0.from + 10) }).state;
    const first = run(inside);
    expect(first.ran).toBe(true);
    const lines = handlerBodyLines(STARTER, region0);
    expect(first.next!.selection.main).toMatchObject({ from: lines.from, to: lines.to });
    expect(run(first.next!).ran).toBe(false);
    // Typing over that selection replaces the body's lines, keeping the brace lines.
    const typed = edit(first.next!, { changes: { from: lines.from, to: lines.to, insert: '    return;' } });
    expect(typed.doc.toString()).toBe(STARTER.slice(0, lines.from) + '    return;' + STARTER.slice(lines.to));
  });

  test('outside the body, or without a region, it does nothing', () => {
    expect(run(make().update({ selection: EditorSelection.cursor(0) }).state).ran).toBe(false);
    expect(run(EditorState.create({ doc: STARTER, selection: EditorSelection.cursor(region0.from + 5) })).ran).toBe(false);
  });
});

test('read-only lines are dimmed and the body lines marked', () => {
  const state = make();
  const sets = state.facet(EditorView.decorations).filter((d) => typeof d !== 'function');
  expect(sets).toHaveLength(1);
  const byLine = new Map<number, string>();
  sets[0].between(0, state.doc.length, (from, _to, deco) => void byLine.set(state.doc.lineAt(from).number, deco.spec.class as string));
  const lines = handlerBodyLines(STARTER, region0);
  const first = state.doc.lineAt(lines.from).number;
  const last = state.doc.lineAt(lines.to).number;
  expect(byLine.size).toBe(state.doc.lines);
  for (let n = 1; n <= state.doc.lines; n++) expect(byLine.get(n), `line ${n}`).toBe(n >= first && n <= last ? 'cm-handler-line' : 'cm-readonly-line');
  // Without the method, nothing is dimmed.
  const none = replaced(state, 'const x = 1;\n').facet(EditorView.decorations).filter((d) => typeof d !== 'function');
  expect(none.every((d) => d.size === 0)).toBe(true);
});

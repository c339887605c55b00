/**
 * CodeMirror 6 set-up for student code: TypeScript syntax, IntelliSense for `@paxlab/sdk` from the
 * TS worker (completion, hover, live type errors), and the host's build errors as inline lints.
 */
import { basicEditor } from './setup.js';
import { javascript } from '@codemirror/lang-javascript';
import { Compartment, Prec, type EditorState, type Extension, type Text } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { autocompletion } from '@codemirror/autocomplete';
import { forEachDiagnostic, linter, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { oneDark } from '@codemirror/theme-one-dark';
import { tsAutocompleteWorker, tsFacetWorker, tsHoverWorker, tsLinterWorker, tsSyncWorker } from '@valtown/codemirror-ts';
import type { WorkerShape } from '@valtown/codemirror-ts/worker';
import type { Diagnostic } from '../api/types.js';

export const themeSlot = new Compartment();
export const tsSlot = new Compartment();

export function themeExtension(dark: boolean): Extension {
  return dark ? oneDark : [];
}

export function tsExtensions(worker: WorkerShape, path: string): Extension {
  return [
    tsFacetWorker.of({ worker, path }),
    tsSyncWorker(),
    tsLinterWorker(),
    autocompletion({ override: [tsAutocompleteWorker()] }),
    tsHoverWorker(),
  ];
}

/** Line/column diagnostics of the last build, as CodeMirror lints (clamped to the current text). */
export function toCmDiagnostics(doc: Text, diags: Diagnostic[]): CmDiagnostic[] {
  const at = (line: number, col: number) => {
    const l = doc.line(Math.max(1, Math.min(doc.lines, line)));
    return Math.min(l.to, l.from + Math.max(0, col - 1));
  };
  return diags.map((d) => {
    const from = at(d.line, d.column);
    let to = d.endLine !== undefined ? at(d.endLine, d.endColumn ?? d.column + 1) : from;
    if (to <= from) to = Math.min(doc.length, from + 1);
    return { from, to, severity: d.severity, message: d.message, source: 'build' };
  });
}

/** A problem the editor shows now (a live type error or a build's diagnostic), by line and column. */
export interface EditorProblem {
  line: number;
  column: number;
  severity: 'error' | 'warning';
  message: string;
  source: string;
}

/**
 * Every diagnostic the editor shows in its current state, in document order, one per place and
 * message (the live type checker and a build often report the same error).
 */
export function editorProblems(state: EditorState): EditorProblem[] {
  const out: EditorProblem[] = [];
  const seen = new Set<string>();
  forEachDiagnostic(state, (d, from) => {
    if (d.severity !== 'error' && d.severity !== 'warning') return;
    const line = state.doc.lineAt(from);
    const p = { line: line.number, column: from - line.from + 1, severity: d.severity, message: d.message, source: d.source ?? 'ts' };
    const k = `${p.line}:${p.column}:${p.message}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(p);
  });
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

export function baseExtensions(opts: {
  onChange(text: string): void;
  onSave(): void;
  onRun(): void;
  /** The build diagnostics that belong to exactly this text (none when the text changed since). */
  buildDiagnostics(text: string): Diagnostic[];
  onProblems(problems: EditorProblem[]): void;
  dark: boolean;
}): Extension {
  let lastProblems = '';
  return [
    // Above the default keymap, whose Mod-Enter would insert a blank line first.
    Prec.highest(
      keymap.of([
        { key: 'Mod-s', preventDefault: true, run: () => (opts.onSave(), true) },
        { key: 'Mod-Enter', preventDefault: true, run: () => (opts.onRun(), true) },
      ]),
    ),
    basicEditor(),
    javascript({ typescript: true }),
    linter((view) => toCmDiagnostics(view.state.doc, opts.buildDiagnostics(view.state.doc.toString())), { delay: 200 }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) opts.onChange(u.state.doc.toString());
      const problems = editorProblems(u.state);
      const sig = JSON.stringify(problems);
      if (sig !== lastProblems) {
        lastProblems = sig;
        opts.onProblems(problems);
      }
    }),
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ 'aria-label': 'Code editor' }),
    themeSlot.of(themeExtension(opts.dark)),
    tsSlot.of([]),
  ];
}

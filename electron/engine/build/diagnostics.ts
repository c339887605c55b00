/** A problem in a student's code, located in their own file (1-based line and column). */
export interface Diagnostic {
  /** Path relative to the submission's folder (absolute when outside it). */
  file: string;
  line: number;
  column: number;
  message: string;
  severity: 'error' | 'warning';
  /** Who found it: esbuild's parser, the TypeScript checker, the import rules, or the export check. */
  source: 'syntax' | 'type' | 'import' | 'export';
  code?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${d.code ? ` [${d.code}]` : ''}`;
}

/**
 * Text a student's code produced (what it printed, threw or returned, its field names) reaches a
 * terminal only after this: escape sequences could otherwise move the cursor, recolour, hide lines
 * or retitle the window. Keeps newlines and tabs; drops every other control character, ANSI/VT
 * sequences whole, and the bidirectional overrides that can reorder what a reader sees.
 */
// eslint-disable-next-line no-control-regex
const SEQUENCES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function cleanText(s: string): string {
  return s.replace(SEQUENCES, '').replace(CONTROLS, '');
}

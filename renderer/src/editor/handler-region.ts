/**
 * Where a method's body is in a TypeScript source text, so the course's Fix editor can make the
 * chapter's handler the only editable part. Pure (no Vue, no CodeMirror) so the same code cuts the
 * handler out of the chapter packs in tests. A small scanner, not a parser: it knows enough of
 * TypeScript (comments, strings, template literals with `${}` code, regex literals, object types in
 * a return type) to match braces in ordinary classes, and answers null when a file is too odd.
 */

/** Offsets in the text: `from` just after the body's opening `{`, `to` at its matching `}`. */
export interface HandlerRegion {
  from: number;
  to: number;
}

interface Token {
  /** An identifier (or keyword, or number), or one punctuation character of code. */
  kind: 'id' | 'punct';
  text: string;
  pos: number;
}

/** Keywords after which a `/` starts a regex rather than dividing. */
const BEFORE_REGEX = new Set(['return', 'typeof', 'case', 'in', 'of', 'delete', 'void', 'throw', 'new', 'yield', 'await', 'instanceof']);
/** What may come before a method's name inside a class body. */
const MODIFIERS = new Set(['private', 'public', 'protected', 'static', 'async', 'override', 'get', 'set', 'readonly', 'abstract', 'declare']);
/** In a return type, a `{` after one of these opens an object type, not the body. */
const TYPE_BRACE_AFTER = new Set([':', '|', '&', '<', ',', '(', '[', '=>', '?']);

/**
 * The body of the method `name` (`Class.method` looks only in that class) declared in a class of
 * `text`, or null when there is none or the braces do not match.
 */
export function findHandlerRegion(text: string, name: string): HandlerRegion | null {
  const dot = name.lastIndexOf('.');
  const method = dot >= 0 ? name.slice(dot + 1) : name;
  const className = dot >= 0 ? name.slice(0, dot) : null;
  const tokens = tokenize(text);
  if (!tokens) return null;
  // The class each open brace belongs to as its body (null: any other brace).
  const stack: (string | null)[] = [];
  let pendingClass: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'id' && t.text === 'class' && tokens[i + 1]?.kind === 'id') pendingClass = tokens[i + 1].text;
    if (t.text === '{' && t.kind === 'punct') {
      stack.push(pendingClass);
      pendingClass = null;
      continue;
    }
    if (t.text === '}' && t.kind === 'punct') {
      stack.pop();
      continue;
    }
    const inClass = stack.length > 0 ? stack[stack.length - 1] : null;
    if (t.kind !== 'id' || t.text !== method || inClass === null || (className !== null && inClass !== className)) continue;
    const prev = tokens[i - 1];
    if (prev && !(prev.kind === 'punct' && '{};'.includes(prev.text)) && !(prev.kind === 'id' && MODIFIERS.has(prev.text))) continue;
    const body = methodBody(tokens, i + 1);
    if (body) return body;
  }
  return null;
}

/**
 * The region from the start of the body's first line to the end of its last one: what a student
 * sees as "the handler's body" (the lines between the braces). The region itself when the body
 * shares a line with a brace.
 */
export function handlerBodyLines(text: string, region: HandlerRegion): HandlerRegion {
  const inner = text.slice(region.from, region.to);
  const afterOpen = /^[ \t]*\r?\n/.exec(inner)?.[0].length ?? 0;
  const beforeClose = /\r?\n[ \t]*$/.exec(inner)?.[0].length ?? 0;
  if (afterOpen === 0 || beforeClose === 0 || afterOpen + beforeClose > inner.length) return region;
  return { from: region.from + afterOpen, to: region.to - beforeClose };
}

/** From the token after a candidate's name: its parameters, return type and body, or null. */
function methodBody(tokens: Token[], i: number): HandlerRegion | null {
  // Type parameters: `name<T extends { a: 1 }>(`.
  if (tokens[i]?.text === '<') {
    i = skipBalanced(tokens, i, '<', '>');
    if (i < 0) return null;
  }
  if (tokens[i]?.text === '?') i++; // an optional method
  if (tokens[i]?.text !== '(') return null;
  i = skipBalanced(tokens, i, '(', ')');
  if (i < 0) return null;
  if (tokens[i]?.text === ':') {
    let prev = ':';
    for (i++; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.kind === 'punct' && t.text === ';') return null; // an overload or abstract signature
      if (t.kind === 'punct' && t.text === '{') {
        if (!TYPE_BRACE_AFTER.has(prev)) break;
        i = skipBalanced(tokens, i, '{', '}') - 1;
        if (i < 0) return null;
        prev = '}';
        continue;
      }
      if (t.kind === 'punct' && (t.text === '(' || t.text === '[' || t.text === '<')) {
        const close = t.text === '(' ? ')' : t.text === '[' ? ']' : '>';
        const end = skipBalanced(tokens, i, t.text, close);
        if (end < 0) return null;
        i = end - 1;
        prev = close;
        continue;
      }
      prev = t.text === '>' && prev === '=' ? '=>' : t.text;
    }
  }
  const open = tokens[i];
  if (!open || open.kind !== 'punct' || open.text !== '{') return null;
  const end = skipBalanced(tokens, i, '{', '}');
  if (end < 0) return null;
  return { from: open.pos + 1, to: tokens[end - 1].pos };
}

/** The index after the token that closes the one at `i` (`open`), or -1 when it never closes. */
function skipBalanced(tokens: Token[], i: number, open: string, close: string): number {
  let depth = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'punct') continue;
    // `=>` inside type parameters or a return type is not a closing angle bracket.
    if (open === '<' && t.text === '>' && tokens[i - 1]?.text === '=' && tokens[i - 1].pos === t.pos - 1) continue;
    if (t.text === open) depth++;
    else if (t.text === close && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * The code's identifiers and punctuation, with comments, strings, template text and regex literals
 * left out (a template's `${}` code is kept, so braces there stay balanced). Null when a comment,
 * string or template never ends.
 */
function tokenize(text: string): Token[] | null {
  const out: Token[] = [];
  // One entry per open `${`: how many code braces are open inside it.
  const templates: number[] = [];
  let i = 0;
  const n = text.length;
  /** Skip template text from `i` (just after a backtick or a `}` closing `${`); false if it never ends. */
  const templateText = (): boolean => {
    for (; i < n; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '`') {
        i++;
        return true;
      } else if (c === '$' && text[i + 1] === '{') {
        templates.push(0);
        i += 2;
        return true;
      }
    }
    return false;
  };
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return null;
      i = end + 2;
    } else if (c === '"' || c === "'") {
      for (i++; i < n && text[i] !== c; i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '\n') return null;
      }
      if (i >= n) return null;
      i++;
    } else if (c === '`') {
      i++;
      if (!templateText()) return null;
    } else if (c === '/' && regexMayStart(out[out.length - 1])) {
      let inClass = false;
      for (i++; i < n && (inClass || text[i] !== '/'); i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        else if (text[i] === '\n') return null;
      }
      if (i >= n) return null;
      for (i++; i < n && /[a-z]/i.test(text[i]); i++);
    } else if (/[\w$#]/.test(c)) {
      const start = i;
      while (i < n && /[\w$#]/.test(text[i])) i++;
      out.push({ kind: 'id', text: text.slice(start, i), pos: start });
    } else if (c === '}' && templates.length > 0 && templates[templates.length - 1] === 0) {
      templates.pop();
      i++;
      if (!templateText()) return null;
    } else {
      if (templates.length > 0 && c === '{') templates[templates.length - 1]++;
      if (templates.length > 0 && c === '}') templates[templates.length - 1]--;
      out.push({ kind: 'punct', text: c, pos: i });
      i++;
    }
  }
  return templates.length === 0 ? out : null;
}

/** Whether a `/` after this token starts a regex literal (no value before it to divide). */
function regexMayStart(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.kind === 'id') return BEFORE_REGEX.has(prev.text);
  return !')]}'.includes(prev.text);
}

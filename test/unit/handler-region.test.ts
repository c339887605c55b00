/**
 * The handler's body in a source text (renderer/src/editor/handler-region.ts), which the Fix
 * editor makes the only editable part: found in every chapter pack's starter and reference, and —
 * what makes the restriction sound — each reference is its starter with only the handler's body
 * replaced (apart from the file's opening doc comment), so a student who edits only the body can
 * type the fix. Then the scanner's edge cases: braces in strings, comments, templates and regexes,
 * calls and look-alikes that are not the declaration, return types with object types, and null.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findHandlerRegion, handlerBodyLines } from '../../renderer/src/editor/handler-region.js';

const labs = fileURLToPath(new URL('../../labs', import.meta.url));
const packs = readdirSync(labs)
  .filter((d) => d.startsWith('chapter-'))
  .sort()
  .map((dir) => {
    const m = JSON.parse(readFileSync(path.join(labs, dir, 'manifest.json'), 'utf8')) as {
      handler: { name: string };
      files: { starter: string; reference: string };
    };
    return {
      dir,
      name: m.handler.name,
      starter: readFileSync(path.join(labs, dir, m.files.starter), 'utf8'),
      reference: readFileSync(path.join(labs, dir, m.files.reference), 'utf8'),
    };
  });

/** The text without its opening doc comment (where a chapter describes what the file does). */
const withoutLeadingComment = (src: string) => src.replace(/^\/\*\*[\s\S]*?\*\/\r?\n/, '');
const body = (src: string, name: string) => {
  const r = findHandlerRegion(src, name);
  return r ? src.slice(r.from, r.to) : null;
};

test('there are chapter packs to check', () => {
  expect(packs.length).toBeGreaterThanOrEqual(10);
});

describe.each(packs)('$dir', ({ name, starter, reference }) => {
  test(`finds ${name}'s body in the starter and the reference, between its braces`, () => {
    for (const src of [starter, reference]) {
      const r = findHandlerRegion(src, name);
      expect(r, `${name} in the file`).not.toBeNull();
      expect(src[r!.from - 1]).toBe('{');
      expect(src[r!.to]).toBe('}');
      // The declaration's line holds the name; the closing brace is the method's, at class-member indent.
      const declLine = src.slice(src.lastIndexOf('\n', r!.from - 1) + 1, r!.from);
      expect(declLine).toMatch(new RegExp(`^\\s+(?:\\w+\\s+)*${name.split('.').pop()}\\s*[(<]`));
      expect(src.slice(src.lastIndexOf('\n', r!.to) + 1, r!.to + 1)).toBe('  }');
    }
  });

  test('the reference is the starter with only the handler body replaced (opening comment aside)', () => {
    const s = withoutLeadingComment(starter);
    const f = withoutLeadingComment(reference);
    const rs = findHandlerRegion(s, name)!;
    const rf = findHandlerRegion(f, name)!;
    expect(s.slice(rs.from, rs.to)).not.toBe(f.slice(rf.from, rf.to));
    expect(s.slice(0, rs.from) + f.slice(rf.from, rf.to) + s.slice(rs.to)).toBe(f);
  });

  test("the body's lines sit between the brace lines", () => {
    const r = findHandlerRegion(reference, name)!;
    const lines = handlerBodyLines(reference, r);
    expect(reference.slice(r.from, lines.from)).toBe('\n');
    expect(reference.slice(lines.to, r.to)).toBe('\n  ');
  });
});

const cls = (members: string) => `export class Node {\n${members}\n}\n`;

describe('edge cases', () => {
  test('braces in strings, comments, templates and regexes do not end the body', () => {
    const inner = [
      `    const a = '}'; const b = "{{"; const c = 'it\\'s }';`,
      `    // a } in a line comment`,
      `    /* a { and a } in a block comment */`,
      '    const t = `}${ {x: 1}.x + `${"}"}` }{`;',
      `    const re = /\\}+[}]/g.test(a);`,
      `    if (a) { return; }`,
    ].join('\n');
    const src = cls(`  other(): void {\n    this.onAccept();\n  }\n  onAccept(msg: string): void {\n${inner}\n  }\n  after(): void {}`);
    expect(body(src, 'onAccept')).toBe(`\n${inner}\n  `);
  });

  test('not found, or braces that never match: null', () => {
    expect(findHandlerRegion(cls('  onTimer(): void {}'), 'onAccept')).toBeNull();
    expect(findHandlerRegion('', 'onAccept')).toBeNull();
    expect(findHandlerRegion('class Node {\n  onAccept(): void {\n    if (x) {\n  }\n', 'onAccept')).toBeNull();
    expect(findHandlerRegion(cls('  onAccept(): void {\n    /* never closed\n  }'), 'onAccept')).toBeNull();
    expect(findHandlerRegion(cls('  onAccept(): void {\n    const s = `never closed;\n  }'), 'onAccept')).toBeNull();
  });

  test('calls, properties and functions outside a class are not the declaration', () => {
    const src = [
      'function onAccept() { return 1; }',
      'export class Node {',
      '  private readonly handler = () => onAccept();',
      '  onAccept = (x: number) => { return x; };',
      '  onMessage(): void {',
      '    onAccept();',
      '    this.onAccept();',
      '  }',
      '}',
    ].join('\n');
    expect(findHandlerRegion(src, 'onAccept')).toBeNull();
    expect(body(src.replace('  onMessage(): void {', '  onMessage(): void {\n    const inner = { onAccept() { return 2; } };'), 'onAccept')).toBeNull();
  });

  test('modifiers, generics, object return types and overloads', () => {
    expect(body(cls('  private async onAccept<T extends { a: 1 }>(t: T): Promise<{ ok: boolean }> {\n    return { ok: true };\n  }'), 'onAccept')).toBe(
      '\n    return { ok: true };\n  ',
    );
    expect(body(cls('  get enough(): boolean { return true; }'), 'enough')).toBe(' return true; ');
    expect(body(cls('  f(): () => { a: 1 } {\n    return () => ({ a: 1 });\n  }'), 'f')).toBe('\n    return () => ({ a: 1 });\n  ');
    expect(body(cls('  onAccept(x: number): void;\n  onAccept(x: string): void;\n  onAccept(x: unknown): void {\n    void x;\n  }'), 'onAccept')).toBe('\n    void x;\n  ');
    expect(body(cls('  onAccept(): void {}'), 'onAccept')).toBe('');
  });

  test('Class.method looks in that class only', () => {
    const src = 'class Acceptor {\n  handle(): number {\n    return 1;\n  }\n}\nclass Proposer {\n  handle(): number {\n    return 2;\n  }\n}\n';
    expect(body(src, 'Proposer.handle')).toBe('\n    return 2;\n  ');
    expect(body(src, 'Acceptor.handle')).toBe('\n    return 1;\n  ');
    expect(body(src, 'handle')).toBe('\n    return 1;\n  ');
    expect(findHandlerRegion(src, 'Learner.handle')).toBeNull();
  });

  test('handlerBodyLines: the lines between the braces, or the region when the body shares a brace line', () => {
    const src = cls('  onAccept(): void {\n    a();\n    b();\n  }');
    const r = findHandlerRegion(src, 'onAccept')!;
    const l = handlerBodyLines(src, r);
    expect(src.slice(l.from, l.to)).toBe('    a();\n    b();');
    const one = cls('  onAccept(): void { a(); }');
    const r1 = findHandlerRegion(one, 'onAccept')!;
    expect(handlerBodyLines(one, r1)).toEqual(r1);
    const empty = cls('  onAccept(): void {\n  }');
    const r2 = findHandlerRegion(empty, 'onAccept')!;
    expect(handlerBodyLines(empty, r2)).toEqual(r2);
    // The body emptied by deleting its lines: the one blank line between the braces.
    const blank = cls('  onAccept(): void {\n\n  }');
    const r3 = findHandlerRegion(blank, 'onAccept')!;
    expect(handlerBodyLines(blank, r3)).toEqual({ from: r3.from + 1, to: r3.from + 1 });
  });

  test('any body made of strings, comments and templates full of braces is found whole', () => {
    const piece = fc.oneof(
      fc.stringMatching(/^[{}a-z ]{0,8}$/).map((s) => `'${s}';`),
      fc.stringMatching(/^[{}a-z ]{0,8}$/).map((s) => `"${s}";`),
      fc.stringMatching(/^[{}a-z ]{0,8}$/).map((s) => `// ${s}\n`),
      fc.stringMatching(/^[{}a-z ]{0,8}$/).map((s) => `/* ${s} */`),
      fc.stringMatching(/^[{}a-z ]{0,8}$/).map((s) => `\`${s}\${ {k: '}'}.k }${s}\`;`),
      fc.constantFrom('if (x) { y(); }', 'const o = { a: { b: 1 } };', 'x = a / b / c;', 'r = /[{}]+/;'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const inner = `\n    ${pieces.join('\n    ')}\n  `;
        const src = cls(`  before(): void {}\n  onAccept(): void {${inner}}\n  after(): string { return '}'; }`);
        expect(body(src, 'onAccept')).toBe(inner);
      }),
    );
  });
});

/**
 * A chapter pack's manifest: the role-lab manifest (labs/README.md) with what a whole-node lab adds —
 * `kind: "node"`, the class the module exports (`Node`), the one handler the student edits and the
 * SDK types it sees, the chapter's place in the course, and the pack's folders of tests, pinned
 * scripts and course texts.
 */
import type { ModelName } from '../history/index.js';

export interface ChapterManifest {
  id: string;
  title: string;
  kind: 'node';
  /** The class a solution exports (a PaxosNode, docs/student-api.md). */
  export: 'Node';
  points: number;
  limits: { callMs: number; memoryMb: number };
  chapter: {
    number: number;
    slug: string;
    /** Cluster size of the chapter's protocol. */
    nodes: number;
    /** The model its clients' history is judged by. */
    model: ModelName;
    /** Where the course goes next: chapter and lab ids. */
    leadsTo?: string[];
  };
  handler: {
    /** The method of the node class the student edits; the starter and the fix differ only there. */
    name: string;
    /** What it is for, in a sentence. */
    about: string;
    /** The types its signature and body work with: SDK types, and the chapter's own message types. */
    sees: string[];
  };
  files: {
    instructions: string;
    starter: string;
    reference: string;
    mutants: string;
    tests: string;
    scripts: string;
    course: string;
  };
  rules: Array<{ id: string; text: string }>;
}

const relPath = { type: 'string', minLength: 1, pattern: '^(?!/)(?!.*\\.\\.)[A-Za-z0-9_./-]+$' };

export const CHAPTER_MANIFEST_SCHEMA = {
  $id: 'paxlab-chapter-manifest',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'kind', 'export', 'points', 'limits', 'chapter', 'handler', 'files', 'rules'],
  properties: {
    $schema: { type: 'string' },
    id: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    title: { type: 'string', minLength: 1 },
    kind: { const: 'node' },
    export: { const: 'Node' },
    points: { type: 'number', exclusiveMinimum: 0 },
    limits: {
      type: 'object',
      additionalProperties: false,
      required: ['callMs', 'memoryMb'],
      properties: { callMs: { type: 'integer', minimum: 10, maximum: 60000 }, memoryMb: { type: 'integer', minimum: 16, maximum: 4096 } },
    },
    chapter: {
      type: 'object',
      additionalProperties: false,
      required: ['number', 'slug', 'nodes', 'model'],
      properties: {
        number: { type: 'integer', minimum: 0, maximum: 99 },
        slug: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
        nodes: { type: 'integer', minimum: 1, maximum: 15 },
        model: { enum: ['kv', 'lock', 'log'] },
        leadsTo: { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } },
      },
    },
    handler: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'about', 'sees'],
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$' },
        about: { type: 'string', minLength: 1 },
        sees: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$' } },
      },
    },
    files: {
      type: 'object',
      additionalProperties: false,
      required: ['instructions', 'starter', 'reference', 'mutants', 'tests', 'scripts', 'course'],
      properties: { instructions: relPath, starter: relPath, reference: relPath, mutants: relPath, tests: relPath, scripts: relPath, course: relPath },
    },
    rules: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'text'],
        properties: { id: { type: 'string', pattern: '^[a-z0-9-]+(\\.[a-z0-9-]+)+$' }, text: { type: 'string', minLength: 1 } },
      },
    },
  },
} as const;

import type { RoleName } from './role-spec.js';

/** A lab pack's manifest.json (labs/README.md describes every field). */
export interface LabManifest {
  id: string;
  title: string;
  /** 'role' (the default): a single-decree role lab; 'node': a whole-node lab (NODE_MANIFEST_SCHEMA). */
  kind?: 'role' | 'node';
  /** A node lab's role is 'node'. */
  role: RoleName | 'node';
  /** The class the student's module must export (docs/student-api.md: Acceptor, Proposer, Learner). */
  export: string;
  /** Points for the whole lab, shared among its tests by weight. */
  points: number;
  limits: {
    /** CPU time one student call may use (module evaluation, constructor, each handler), in ms. */
    callMs: number;
    /** Heap cap of the sandbox process, in MB. */
    memoryMb: number;
  };
  files: {
    instructions: string;
    starter: string;
    reference: string;
    scenarios: string;
    traces: string;
    mutants: string;
  };
  /** The rules of docs/student-api.md this lab tests; trace steps name them by id. */
  rules: LabRule[];
  /**
   * How a broken safety property weighs (a scenario or search test that fails agreement, validity,
   * integrity, the chosen-value invariant or learner safety): the score is capped at `cap` times the
   * lab's points (0.5: half). Without it, safety counts like any other test.
   */
  safety?: { cap: number };
}

export interface LabRule {
  id: string;
  text: string;
  /**
   * Which differences in a handler's output this rule governs, per handler: 'missing' (an output was
   * due, none came), 'unexpected' (none was due, one came), or a field of the output message ('rnd',
   * 'vval', …; 'value' for a learner's decision). A failing step names the rule that governs what
   * the student's output got wrong: its own rule when that one covers the difference, else the first
   * rule in the manifest that does (docs/grading.md, "Which rule a failure names").
   */
  covers?: Record<string, string[]>;
}

const relPath = { type: 'string', minLength: 1, pattern: '^(?!/)(?!.*\\.\\.)[A-Za-z0-9_./-]+$' };

export const MANIFEST_SCHEMA = {
  $id: 'paxlab-lab-manifest',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'role', 'export', 'points', 'limits', 'files', 'rules'],
  properties: {
    $schema: { type: 'string' },
    id: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    title: { type: 'string', minLength: 1 },
    kind: { const: 'role' },
    role: { enum: ['acceptor', 'proposer', 'learner', 'multi-paxos'] },
    export: { type: 'string', pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$' },
    points: { type: 'number', exclusiveMinimum: 0 },
    limits: {
      type: 'object',
      additionalProperties: false,
      required: ['callMs', 'memoryMb'],
      properties: {
        callMs: { type: 'integer', minimum: 10, maximum: 60000 },
        memoryMb: { type: 'integer', minimum: 16, maximum: 4096 },
      },
    },
    files: {
      type: 'object',
      additionalProperties: false,
      required: ['instructions', 'starter', 'reference', 'scenarios', 'traces', 'mutants'],
      properties: {
        instructions: relPath,
        starter: relPath,
        reference: relPath,
        scenarios: relPath,
        traces: relPath,
        mutants: relPath,
      },
    },
    safety: {
      type: 'object',
      additionalProperties: false,
      required: ['cap'],
      properties: { cap: { type: 'number', minimum: 0, maximum: 1 } },
    },
    rules: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'text'],
        properties: {
          id: { type: 'string', pattern: '^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+$' },
          text: { type: 'string', minLength: 1 },
          covers: {
            type: 'object',
            additionalProperties: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[a-z]+$' } },
          },
        },
      },
    },
  },
} as const;

/**
 * A whole-node lab's manifest.json (`kind: "node"`, labs/README.md): the student writes a `PaxosNode`
 * class; the tests come from a node-test provider (node-labs/provider.ts). Fields a provider needs
 * of its own (a chapter's `chapter` and `handler`) are allowed and checked by that provider.
 */
export interface NodeLabManifest {
  id: string;
  title: string;
  kind: 'node';
  /** The node-test provider: 'node-tests' (tests/node-tests.json), or a lab body's own ('chapter', 'service-tests'). */
  provider: string;
  /** The class the module exports (default `Node`). */
  export: string;
  points: number;
  limits: { callMs: number; memoryMb: number };
  safety?: { cap: number };
  files: { instructions: string; starter: string; reference: string; mutants: string; tests?: string } & Record<string, string>;
  rules: LabRule[];
  /** Provider-specific fields. */
  [extra: string]: unknown;
}

export const NODE_MANIFEST_SCHEMA = {
  $id: 'paxlab-node-lab-manifest',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'kind', 'points', 'limits', 'files', 'rules'],
  properties: {
    $schema: { type: 'string' },
    id: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    title: { type: 'string', minLength: 1 },
    kind: { const: 'node' },
    provider: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    export: { type: 'string', pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$' },
    points: { type: 'number', exclusiveMinimum: 0 },
    limits: MANIFEST_SCHEMA.properties.limits,
    safety: MANIFEST_SCHEMA.properties.safety,
    files: {
      type: 'object',
      required: ['instructions', 'starter', 'reference', 'mutants'],
      additionalProperties: relPath,
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
    // Provider-specific parts, checked by the provider (the chapters' player reads these).
    chapter: { type: 'object' },
    handler: { type: 'object' },
    options: { type: 'object' },
    service: { type: 'object' },
  },
} as const;

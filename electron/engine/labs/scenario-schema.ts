/**
 * A scenario script: the inputs of one trace test, each step tagged with the rule it exercises.
 * `paxlab trace record` runs it against the reference and writes the expected outputs next to the
 * inputs (role-trace.ts).
 */
export interface ScenarioStep {
  rule: string;
  call: string;
  /** The handler's argument: a message, a client value, or absent for startRound(). */
  input?: unknown;
  /** Optional note shown in verdicts ("S3 retransmits its accept"). */
  note?: string;
  /**
   * Which rule a wrong output breaks here, by the kind of difference, where the steps before make
   * the cause certain: `{"missing": "proposer.start.forget"}` on a quorum in a second round, after
   * the first round's quorum did send its accept. Overrides the rules' `covers` (manifest).
   */
  blame?: Record<string, string>;
}

export interface ScenarioNode {
  id: number;
  nodes: number[];
  /** Multi-decree roles: `config.alpha` (required there) and `config.firstSlot`. */
  alpha?: number;
  firstSlot?: number;
}

export interface ScenarioScript {
  name: string;
  title: string;
  /** `public` traces are shipped to students; `hidden` ones only to instructors. */
  set: 'public' | 'hidden';
  /** Weight of this test within the lab's points (default 1). */
  weight?: number;
  /** The node under test: its id and the cluster (a multi-decree lab adds the window α and the first slot). */
  node: ScenarioNode;
  steps: ScenarioStep[];
}

export const SCENARIO_SCHEMA = {
  $id: 'paxlab-scenario',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'title', 'set', 'node', 'steps'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
    title: { type: 'string', minLength: 1 },
    set: { enum: ['public', 'hidden'] },
    weight: { type: 'number', exclusiveMinimum: 0 },
    node: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'nodes'],
      properties: {
        id: { type: 'integer', minimum: 1 },
        nodes: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1 } },
        alpha: { type: 'integer', minimum: 1 },
        firstSlot: { type: 'integer', minimum: 1 },
      },
    },
    steps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'call'],
        properties: {
          rule: { type: 'string' },
          call: { type: 'string' },
          input: {},
          note: { type: 'string' },
          blame: { type: 'object', minProperties: 1, additionalProperties: { type: 'string' } },
        },
      },
    },
  },
} as const;

/**
 * What each role of docs/student-api.md looks like from outside: the class a module exports and, per handler,
 * what it takes and what it returns. Scenario validation, trace replay and output checks all read
 * this one table.
 */
export type RoleName = 'acceptor' | 'proposer' | 'learner' | 'multi-paxos';
export const ROLE_NAMES: readonly RoleName[] = ['acceptor', 'proposer', 'learner', 'multi-paxos'];

/** The multi-decree messages (docs/multi-paxos-api.md), named apart from the single-decree ones. */
export type MultiMessageKind = 'multi-prepare' | 'multi-promise' | 'multi-accept' | 'multi-learn' | 'decision';

/**
 * A handler's argument or result: a message kind, a client value (string), a round or a slot
 * (numbers), a list of multi-decree ACCEPTs, nothing at all ('none': no argument), or a result that
 * is not judged ('void': `decided` returns nothing).
 */
export type IoKind = 'prepare' | 'promise' | 'accept' | 'learn' | 'value' | 'none' | MultiMessageKind | 'multi-accepts' | 'round' | 'slot' | 'void';

export interface MethodSpec {
  input: IoKind;
  output: Exclude<IoKind, 'none' | 'round' | 'slot'>;
  /** Whether `null` ("no output") is a legal result. */
  nullable: boolean;
  /** In a lab of several classes (multi-paxos), the class this handler belongs to. */
  owner?: string;
}

export interface RoleSpec {
  /** The class a module must export (the first of `exports` when there are several). */
  exportName: string;
  /** Every class the module must export, when there are several (multi-paxos: the three roles). */
  exports?: readonly string[];
  methods: Record<string, MethodSpec>;
}

/** The classes a role's module must export. */
export function exportsOf(spec: RoleSpec): readonly string[] {
  return spec.exports ?? [spec.exportName];
}

/** The class a handler is called on: its owner in a multi-class role, else the role's class. */
export function ownerOf(spec: RoleSpec, call: string): string {
  return spec.methods[call]?.owner ?? spec.exportName;
}

export const ROLE_SPECS: Record<RoleName, RoleSpec> = {
  acceptor: {
    exportName: 'Acceptor',
    methods: {
      handlePrepare: { input: 'prepare', output: 'promise', nullable: true },
      handleAccept: { input: 'accept', output: 'learn', nullable: true },
    },
  },
  proposer: {
    exportName: 'Proposer',
    methods: {
      startRound: { input: 'none', output: 'prepare', nullable: false },
      propose: { input: 'value', output: 'accept', nullable: true },
      handlePromise: { input: 'promise', output: 'accept', nullable: true },
    },
  },
  learner: {
    exportName: 'Learner',
    methods: {
      handleLearn: { input: 'learn', output: 'value', nullable: true },
    },
  },
  // Lab 04: one module exporting the three multi-decree roles; handler names are unique across them.
  'multi-paxos': {
    exportName: 'Acceptor',
    exports: ['Acceptor', 'Proposer', 'Learner'],
    methods: {
      handlePrepare: { input: 'multi-prepare', output: 'multi-promise', nullable: true, owner: 'Acceptor' },
      handleAccept: { input: 'multi-accept', output: 'multi-learn', nullable: true, owner: 'Acceptor' },
      startRound: { input: 'round', output: 'multi-prepare', nullable: false, owner: 'Proposer' },
      handlePromise: { input: 'multi-promise', output: 'multi-accepts', nullable: false, owner: 'Proposer' },
      propose: { input: 'value', output: 'multi-accept', nullable: true, owner: 'Proposer' },
      decided: { input: 'slot', output: 'void', nullable: true, owner: 'Proposer' },
      handleLearn: { input: 'multi-learn', output: 'decision', nullable: true, owner: 'Learner' },
    },
  },
};

/** The fields of each message kind, in docs/student-api.md's (and docs/multi-paxos-api.md's) order. */
export const MESSAGE_FIELDS: Record<'prepare' | 'promise' | 'accept' | 'learn' | MultiMessageKind, readonly string[]> = {
  prepare: ['kind', 'from', 'crnd'],
  promise: ['kind', 'to', 'from', 'rnd', 'vrnd', 'vval'],
  accept: ['kind', 'from', 'rnd', 'val'],
  learn: ['kind', 'from', 'rnd', 'val'],
  'multi-prepare': ['kind', 'from', 'crnd', 'slot'],
  'multi-promise': ['kind', 'to', 'from', 'rnd', 'slot', 'votes'],
  'multi-accept': ['kind', 'from', 'slot', 'rnd', 'val'],
  'multi-learn': ['kind', 'from', 'slot', 'rnd', 'val'],
  decision: ['slot', 'val'],
};

/** The `kind` field a message of each kind carries (a decision has none). */
export const WIRE_KIND: Record<keyof typeof MESSAGE_FIELDS, string | null> = {
  prepare: 'prepare',
  promise: 'promise',
  accept: 'accept',
  learn: 'learn',
  'multi-prepare': 'prepare',
  'multi-promise': 'promise',
  'multi-accept': 'accept',
  'multi-learn': 'learn',
  decision: null,
};

/** The fields of one entry of a multi-decree promise's `votes`. */
export const VOTE_FIELDS = ['slot', 'vrnd', 'vval'] as const;

export function isMessageKind(k: IoKind): k is keyof typeof MESSAGE_FIELDS {
  return k in MESSAGE_FIELDS;
}

export function isRoleName(s: string): s is RoleName {
  return (ROLE_NAMES as readonly string[]).includes(s);
}

/** A role constructor's config: the cluster, and for a multi-decree role its window and first slot. */
export function roleConfig(n: { nodes: readonly number[]; alpha?: number; firstSlot?: number }): { nodes: number[]; alpha?: number; firstSlot?: number } {
  return { nodes: [...n.nodes], ...(n.alpha !== undefined ? { alpha: n.alpha } : {}), ...(n.firstSlot !== undefined ? { firstSlot: n.firstSlot } : {}) };
}

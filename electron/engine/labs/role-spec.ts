/**
 * What each role of docs/student-api.md looks like from outside: the class a module exports and, per handler,
 * what it takes and what it returns. Scenario validation, trace replay and output checks all read
 * this one table.
 */
export type RoleName = 'acceptor' | 'proposer' | 'learner';
export const ROLE_NAMES: readonly RoleName[] = ['acceptor', 'proposer', 'learner'];

/** A handler's argument or result: a message kind, a client value (string), or nothing. */
export type IoKind = 'prepare' | 'promise' | 'accept' | 'learn' | 'value' | 'none';

export interface MethodSpec {
  input: IoKind;
  output: Exclude<IoKind, 'none'>;
  /** Whether `null` ("no output") is a legal result. */
  nullable: boolean;
}

export interface RoleSpec {
  exportName: string;
  methods: Record<string, MethodSpec>;
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
};

/** The fields of each message kind, in docs/student-api.md's order. */
export const MESSAGE_FIELDS: Record<'prepare' | 'promise' | 'accept' | 'learn', readonly string[]> = {
  prepare: ['kind', 'from', 'crnd'],
  promise: ['kind', 'to', 'from', 'rnd', 'vrnd', 'vval'],
  accept: ['kind', 'from', 'rnd', 'val'],
  learn: ['kind', 'from', 'rnd', 'val'],
};

export function isRoleName(s: string): s is RoleName {
  return (ROLE_NAMES as readonly string[]).includes(s);
}

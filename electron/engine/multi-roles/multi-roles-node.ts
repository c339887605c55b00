/**
 * The reference service node (lab 05) built from a student's three multi-decree roles (lab 04), each
 * behind its guarded stand-in (realm/guarded-role.ts): the node, the simulator and the checkers are
 * harness code; only the role calls reach the student's realm. Runs inside the sandbox child.
 */
import type { NodeContext } from '@paxlab/sdk';
import { MultiPaxosNode, type MultiPaxosNodeOptions } from '../../../labs/05-kv-service/reference/node.js';
import { guardedRoleClass } from '../realm/guarded-role.js';
import type { StudentCalls } from '../realm/student-calls.js';
import type { ServiceNodeClass } from '../service-tests/run.js';

export const MULTI_ROLE_CLASSES = ['Acceptor', 'Proposer', 'Learner'] as const;

/** A node class whose replicas run the student's roles, or why there is none (a class is missing). */
export function studentRolesNodeClass(calls: StudentCalls, exports: ReadonlyMap<string, unknown>): ServiceNodeClass | { missing: string } {
  const guarded: Record<string, unknown> = {};
  for (const name of MULTI_ROLE_CLASSES) {
    const cls = exports.get(name);
    if (typeof cls !== 'function') return { missing: name };
    guarded[name] = guardedRoleClass(calls, cls, name);
  }
  const roles = guarded as unknown as NonNullable<MultiPaxosNodeOptions['roles']>;
  return class StudentRolesNode extends MultiPaxosNode {
    constructor(ctx: NodeContext<any>, options: MultiPaxosNodeOptions) {
      super(ctx, { ...options, roles });
    }

    // Graded, a role that throws or returns garbage fails the run by that reason (the check
    // `no-errors`: the simulator records what escapes a handler), not by what its silence causes.
    protected override roleFault(why: string): void {
      throw new Error(why);
    }
  } as unknown as ServiceNodeClass;
}

/** Which PaxosNode class a node process runs: a reference node (single-decree, or the Multi-Paxos
 * service node), optionally built from student role modules, or a node module of its own. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NodeRoles } from '../../labs/paxos-node/node.js';
import { SingleDecreeNode } from '../../labs/paxos-node/node.js';
import { MultiPaxosNode, type MultiPaxosNodeOptions, type MultiRoles } from '../../labs/05-kv-service/reference/node.js';
import type { NodeProgram } from '../engine/cluster/node-config.js';
import { guardedNodeClass } from '../engine/realm/guarded-node.js';
import { guardedRoleClass } from '../engine/realm/guarded-role.js';
import { StudentCalls } from '../engine/realm/student-calls.js';
import { isStudentPromise, StudentRealm } from '../engine/realm/student-realm.js';
import type { NodeFactory } from './runtime.js';

/** Load the modules `program` names; throws an Error that says which module and why. */
export async function loadNodeFactory(program: NodeProgram): Promise<NodeFactory> {
  const options = program.options ?? {};
  if (program.module) {
    // A whole-node program (an instructor's or a test's, trusted): an ES module of its own.
    const mod = await importModule(program.module, 'node module');
    const NodeClass = (mod.Node ?? mod.default) as unknown;
    if (typeof NodeClass !== 'function') throw new Error(`node module ${program.module} exports no Node class (as Node or default)`);
    return (ctx) => new (NodeClass as new (c: typeof ctx, o: unknown) => ReturnType<NodeFactory>)(ctx, { ...options });
  }
  if (program.studentNode) {
    const NodeClass = loadStudentExport(program.studentNode, 'node', 'Node', guardedNodeClass);
    return (ctx) => new NodeClass(ctx as never, { ...options }) as unknown as ReturnType<NodeFactory>;
  }
  const roles: Record<string, unknown> = {};
  const wanted = [
    ['acceptor', 'Acceptor'],
    ['proposer', 'Proposer'],
    ['learner', 'Learner'],
  ] as const;
  for (const [key, exportName] of wanted) {
    const file = program.roles?.[key];
    if (!file) continue;
    roles[exportName] = loadStudentRole(file, key, exportName) as never;
  }
  if (program.protocol === 'multi-paxos') {
    const o: MultiPaxosNodeOptions = { ...(options as MultiPaxosNodeOptions), roles: roles as MultiRoles };
    return (ctx) => new MultiPaxosNode(ctx as never, o) as unknown as ReturnType<NodeFactory>;
  }
  return (ctx) => new SingleDecreeNode(ctx as never, roles as NodeRoles) as unknown as ReturnType<NodeFactory>;
}

/**
 * A student's role module (as build-student.ts bundles it) evaluated in a student realm of its own,
 * as the sandbox does: the node holds a guarded stand-in, and student code cannot reach `process`,
 * the node's sockets or its files.
 */
function loadStudentRole(file: string, what: string, exportName: string): unknown {
  return loadStudentExport(file, what, exportName, guardedRoleClass);
}

function loadStudentExport<T>(file: string, what: string, exportName: string, guard: (calls: StudentCalls, cls: unknown, name: string) => T): T {
  ignoreStudentRejections();
  let code: string;
  try {
    code = readFileSync(path.resolve(file), 'utf8');
  } catch (err) {
    throw new Error(`cannot load the ${what} module ${file}: ${(err as Error).message}`);
  }
  const calls = new StudentCalls(new StudentRealm());
  const loaded = calls.load(code, path.basename(file));
  if (!loaded.ok) throw new Error(`cannot load the ${what} module ${file}: it threw ${loaded.thrown.name}: ${loaded.thrown.message}`);
  const cls = loaded.module.exports.get(exportName);
  if (typeof cls !== 'function') throw new Error(`${what} module ${file} does not export a class named ${exportName}`);
  return guard(calls, cls, exportName);
}

let ignoring = false;

/** A promise student code rejects and never handles is not the node's failure; any other still is. */
function ignoreStudentRejections(): void {
  if (ignoring) return;
  ignoring = true;
  process.on('unhandledRejection', (reason, promise) => {
    if (isStudentPromise(promise)) return;
    throw reason;
  });
}

async function importModule(file: string, what: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot load the ${what} module ${file}: ${(err as Error).message}`);
  }
}

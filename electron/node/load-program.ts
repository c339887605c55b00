/** Which PaxosNode class a node process runs: a reference node (single-decree, or the Multi-Paxos
 * service node), optionally built from student role modules, or a node module of its own. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NodeRoles } from '../../labs/paxos-node/node.js';
import { SingleDecreeNode } from '../../labs/paxos-node/node.js';
import { MultiPaxosNode, type MultiPaxosNodeOptions, type MultiRoles } from '../../labs/05-kv-service/reference/node.js';
import type { NodeProgram } from '../engine/cluster/node-config.js';
import type { NodeFactory } from './runtime.js';

/** Load the modules `program` names; throws an Error that says which module and why. */
export async function loadNodeFactory(program: NodeProgram): Promise<NodeFactory> {
  const options = program.options ?? {};
  if (program.module) {
    const mod = await importModule(program.module, 'node module');
    const NodeClass = (mod.Node ?? mod.default) as unknown;
    if (typeof NodeClass !== 'function') throw new Error(`node module ${program.module} exports no Node class (as Node or default)`);
    return (ctx) => new (NodeClass as new (c: typeof ctx, o: unknown) => ReturnType<NodeFactory>)(ctx, { ...options });
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
    const mod = await importModule(file, `${key} module`);
    const cls = mod[exportName];
    if (typeof cls !== 'function') throw new Error(`${key} module ${file} does not export a class named ${exportName}`);
    roles[exportName] = cls;
  }
  if (program.protocol === 'multi-paxos') {
    const o: MultiPaxosNodeOptions = { ...(options as MultiPaxosNodeOptions), roles: roles as MultiRoles };
    return (ctx) => new MultiPaxosNode(ctx as never, o) as unknown as ReturnType<NodeFactory>;
  }
  return (ctx) => new SingleDecreeNode(ctx as never, roles as NodeRoles) as unknown as ReturnType<NodeFactory>;
}

async function importModule(file: string, what: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot load the ${what} ${file}: ${(err as Error).message}`);
  }
}

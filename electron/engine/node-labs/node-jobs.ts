/**
 * Sandbox jobs of node labs, run in the sandbox child's harness realm with the student's node class
 * behind the guarded stand-in (realm/guarded-node.ts):
 * - 'node-test': one test of a node-test provider (simulation runs), judged by the provider's checks
 *   and by the guarded node's incidents (misuse of the context, throws, host access);
 * - 'node-search': a node-level state-space search (node-search/) over the student's class.
 */
import { registerSandboxJob } from '../grading/sandbox-jobs.js';
import { guardedNodeClass, type NodeIncident } from '../realm/guarded-node.js';
import type { NodeSearchConfig } from '../node-search/config.js';
import { runNodeSearch, type NodeSearchReport } from '../node-search/explorer.js';
import { RealmNodeMachine } from '../node-search/machine.js';
import { nodeTestProvider, type NodeRunOutcome } from './provider.js';
import './providers.js';

export interface NodeTestJobPayload {
  provider: string;
  exportName: string;
  payload: unknown;
  seed?: number;
}

export type NodeTestJobResult =
  | { ok: true; outcome: NodeRunOutcome; incidents: NodeIncident[] }
  | { ok: false; message: string };

registerSandboxJob('node-test', (p: NodeTestJobPayload, ctx): NodeTestJobResult => {
  const Cls = ctx.student.exports.get(p.exportName);
  if (typeof Cls !== 'function') return { ok: false, message: `the module does not export a class named '${p.exportName}'` };
  const provider = nodeTestProvider(p.provider);
  if (!provider) throw new Error(`no node-test provider '${p.provider}' in the sandbox`);
  const student = guardedNodeClass(ctx.student.calls, Cls, p.exportName);
  const outcome = provider.run(p.payload, { student, ...(p.seed !== undefined ? { seed: p.seed } : {}), setSeed: ctx.setSeed, progress: ctx.progress });
  return { ok: true, outcome, incidents: student.incidents };
});

export interface NodeSearchJobPayload {
  exportName: string;
  config: NodeSearchConfig;
}

export type NodeSearchJobResult = { ok: true; report: NodeSearchReport } | { ok: false; message: string };

registerSandboxJob('node-search', (p: NodeSearchJobPayload, ctx): NodeSearchJobResult => {
  const Cls = ctx.student.exports.get(p.exportName);
  if (typeof Cls !== 'function') return { ok: false, message: `the module does not export a class named '${p.exportName}'` };
  const nodes = Array.from({ length: p.config.nodes }, (_, i) => i + 1);
  const machine = new RealmNodeMachine(ctx.student.calls, Cls, p.exportName, nodes, p.config.options);
  const report = runNodeSearch(machine, p.config, { onProgress: (states) => ctx.progress({ states }) });
  return { ok: true, report };
});

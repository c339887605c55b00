/**
 * Sandbox job 'scenario': runs one scenario test (a named fault schedule over several seeds) with the
 * student's role in the simulated cluster, inside the sandbox child. The reference nodes call the
 * student's role through a guarded stand-in (realm/guarded-role.ts); the simulator and the
 * checkers are harness code the student's code cannot reach. Stops at the first seed whose run a
 * checker rejects and returns that seed, the check and the trace.
 */
import type { NodeId } from '@paxlab/sdk';
import type { CheckResult } from '../checkers/types.js';
import { registerSandboxJob } from '../grading/sandbox-jobs.js';
import { guardedRoleClass } from '../realm/guarded-role.js';
import type { TraceEvent } from '../trace/events.js';
import { runScenario, type RoleName, type ScenarioRunOptions } from './scenario-run.js';
import type { ScheduleName } from './schedules.js';

export interface ScenarioJobPayload {
  exportName: string;
  role: RoleName;
  schedule: ScheduleName;
  nodes: number;
  seeds: number[];
  placement?: 'all' | NodeId[];
  livenessMs?: number;
  clients?: ScenarioRunOptions['clients'];
}

export type ScenarioJobResult =
  | { ok: true; seeds: number }
  | { ok: false; seed: number; failed: CheckResult; trace: TraceEvent[]; description: string }
  | { ok: false; seed?: undefined; message: string };

registerSandboxJob('scenario', (p: ScenarioJobPayload, ctx): ScenarioJobResult => {
  const Cls = ctx.student.exports.get(p.exportName);
  if (typeof Cls !== 'function') return { ok: false, message: `the module does not export a class named '${p.exportName}'` };
  const roleClass = guardedRoleClass(ctx.student.calls, Cls, p.exportName);
  for (const seed of p.seeds) {
    ctx.setSeed(seed);
    const r = runScenario({ role: p.role, roleClass: roleClass as never, schedule: p.schedule, nodes: p.nodes, seed, placement: p.placement, livenessMs: p.livenessMs, ...(p.clients ? { clients: p.clients } : {}) });
    ctx.progress({ seed, ok: r.ok });
    if (!r.ok) return { ok: false, seed, failed: r.failed!, trace: r.trace, description: r.description };
  }
  return { ok: true, seeds: p.seeds.length };
});

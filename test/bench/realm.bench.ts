/**
 * What judging from outside costs. Student code runs in its own realm and every call crosses into it
 * through the guarded role (realm/), so the search clones, keys and calls realm objects by harness
 * code; this compares the search with the reference acceptor as a native harness class and as a
 * student module in a realm (same process, same configuration), in states per CPU-second so that a
 * busy machine does not blur it. (The grade of a submission whose every handler loops forever is
 * grading.bench.ts's.)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleStudentModule } from '../../electron/engine/build/index.js';
import { guardedRoleClass, isGuardedRole } from '../../electron/engine/realm/guarded-role.js';
import { cloneState, stateKey } from '../../electron/engine/search/state-codec.js';
import { StudentCalls } from '../../electron/engine/realm/student-calls.js';
import { StudentRealm } from '../../electron/engine/realm/student-realm.js';
import { runSearch, type SearchRoles } from '../../electron/engine/search/index.js';
import { LocalStates } from '../../electron/engine/search/local-states.js';
import { Acceptor } from '../../labs/01-acceptor/reference/acceptor.js';
import { Proposer } from '../../labs/02-proposer/reference/proposer.js';
import { Learner } from '../../labs/03-learner/reference/learner.js';
import type { Figure } from './run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OPTIONS = { acceptors: 3, values: ['v1', 'v2'], maxRounds: 2, timeLimitMs: 120_000 };

function statesPerCpuSecond(roles: SearchRoles): { rate: number; states: number } {
  const cpu0 = process.cpuUsage();
  const r = runSearch(roles, OPTIONS);
  const cpu = process.cpuUsage(cpu0);
  return { rate: Math.round(r.statesExplored / ((cpu.user + cpu.system) / 1e6)), states: r.statesExplored };
}

/** Microseconds per handler call as the search makes it: copy the state, call, read the output, check the input, key the state. */
function perCallMicros(role: SearchRoles['Acceptor'], n: number): number {
  const a = new role(1, { nodes: [1, 2, 3] }) as unknown as object;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const copy = cloneState(a);
    const input = { kind: 'prepare', from: 2, crnd: i + 1 };
    if (isGuardedRole(copy)) copy.callRaw('handlePrepare', input);
    else (copy as { handlePrepare(m: unknown): unknown }).handlePrepare({ ...input });
    stateKey(copy);
  }
  return ((performance.now() - t0) * 1000) / n;
}

export async function bench(): Promise<Figure[]> {
  const built = await bundleStudentModule(path.join(root, 'labs/01-acceptor/reference/acceptor.ts'), { exportName: 'Acceptor' });
  if (!built.ok) throw new Error('the reference acceptor does not build');
  const calls = new StudentCalls(new StudentRealm());
  const loaded = calls.load(built.code, 'student.js');
  if (!loaded.ok) throw new Error(loaded.thrown.message);
  const inRealm = guardedRoleClass(calls, loaded.module.exports.get('Acceptor'), 'Acceptor') as unknown as SearchRoles['Acceptor'];
  const native = { Acceptor, Proposer, Learner };
  const realm = { Acceptor: inRealm, Proposer, Learner };
  // How many handler results the search computes (each once, memoized, twice for the determinism check).
  let computed = 0;
  const proto = LocalStates.prototype as unknown as { compute: (...a: unknown[]) => unknown };
  const compute = proto.compute;
  proto.compute = function (this: unknown, ...a: unknown[]) {
    computed++;
    return compute.apply(this, a);
  };
  runSearch(native, { maxRounds: 1 }); // warm-up (JIT)
  runSearch(realm, { maxRounds: 1 });
  computed = 0;
  const runs = { native: [] as number[], realm: [] as number[] };
  let states = 0;
  for (let i = 0; i < 5; i++) {
    runs.native.push(statesPerCpuSecond(native).rate);
    const r = statesPerCpuSecond(realm);
    runs.realm.push(r.rate);
    states = r.states;
  }
  proto.compute = compute;
  const callsPerSearch = computed / 10;
  perCallMicros(Acceptor, 2000);
  perCallMicros(inRealm, 2000);
  const nativeUs = perCallMicros(Acceptor, 20_000);
  const realmUs = perCallMicros(inRealm, 20_000);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return [
    { name: 'search: reference acceptor as a harness class', value: median(runs.native), unit: 'states/CPU-s', note: `median of 5; ${states.toLocaleString('en-US')} states` },
    { name: 'search: reference acceptor as a student module in its realm', value: median(runs.realm), unit: 'states/CPU-s', target: 'no material drop', note: `${Math.round((100 * median(runs.realm)) / median(runs.native))}% of the harness class (runs interleaved)` },
    { name: 'search: handler calls computed (the rest are table look-ups)', value: callsPerSearch, unit: 'calls', note: 'per search, each computed twice for the determinism check' },
    { name: 'one handler call as the search makes it: harness class', value: nativeUs, unit: 'µs', note: 'clone, call, check, key' },
    { name: 'one handler call as the search makes it: realm', value: realmUs, unit: 'µs', note: `crossing adds ${(realmUs - nativeUs).toFixed(1)} µs; × ${2 * callsPerSearch} calls = ${Math.round(((realmUs - nativeUs) * 2 * callsPerSearch) / 1000)} ms per search` },
  ];
}

import type { NodeId } from '@paxlab/sdk';
import { type FaultAction, type FaultSchedule, FaultSpecError, validateFaultSchedule } from './schedule.js';

/** The spec grammar, shown in every error so a typo is easy to fix. */
export const FAULT_SPEC_HELP =
  'crash:N@T  restart:N@T  partition:1,2|3,4,5@T  heal@T  cut:A-B@T  restore:A-B@T  ' +
  'loss:P@T  dup:P@T  delay:MIN-MAX@T  request:N=value@T   (T in ms)';

/**
 * Parse compact command-line fault specs (`crash:1@200`, `partition:1,2|3,4,5@100`, `heal@800`,
 * `cut:1-2@50`, `loss:0.3@0`, …) into a schedule, sorted by time. One string may hold several specs
 * separated by spaces (not commas: commas belong to partitions).
 */
export function parseFaultSpec(specs: readonly string[], nodes?: readonly NodeId[]): FaultSchedule {
  const entries: FaultAction[] = [];
  for (const text of specs) for (const spec of text.trim().split(/\s+/)) if (spec) entries.push(parseOne(spec));
  try {
    return validateFaultSchedule(entries, nodes);
  } catch (err) {
    throw new FaultSpecError(`${(err as Error).message}\n  specs: ${FAULT_SPEC_HELP}`);
  }
}

function parseOne(spec: string): FaultAction {
  const bad = (why: string): never => {
    throw new FaultSpecError(`bad fault spec '${spec}': ${why}\n  specs: ${FAULT_SPEC_HELP}`);
  };
  const m = /^([a-z]+)(?::(.*?))?@(\d+(?:\.\d+)?)$/.exec(spec);
  if (!m) return bad("expected 'action:args@time'");
  const [, action, arg = '', time] = m;
  const at = Number(time);
  const id = (s: string): number => {
    if (!/^\d+$/.test(s) || Number(s) < 1) bad(`'${s}' is not a node id`);
    return Number(s);
  };
  const pair = (): [number, number] => {
    const p = /^(\d+)-(\d+)$/.exec(arg);
    if (!p) bad("expected two node ids like '1-2'");
    return [id(p![1]), id(p![2])];
  };
  const prob = (): number => {
    const p = Number(arg);
    if (arg === '' || !Number.isFinite(p) || p < 0 || p > 1) bad(`'${arg}' is not a probability in [0, 1]`);
    return p;
  };
  switch (action) {
    case 'crash':
    case 'restart':
      return { at, action, node: id(arg) };
    case 'heal':
      if (arg) bad('heal takes no arguments');
      return { at, action: 'heal' };
    case 'partition':
      if (!arg.includes('|')) bad("expected at least two groups like '1,2|3,4,5'");
      return { at, action: 'partition', groups: arg.split('|').map((g) => g.split(',').map(id)) };
    case 'cut':
    case 'restore': {
      const [a, b] = pair();
      return { at, action: 'link', a, b, up: action === 'restore' };
    }
    case 'loss':
      return { at, action: 'net', network: { loss: prob() } };
    case 'dup':
      return { at, action: 'net', network: { dup: prob() } };
    case 'delay': {
      const d = /^(\d+)(?:-(\d+))?$/.exec(arg);
      if (!d) return bad("expected a delay like '5' or '1-20' (ms)");
      const min = Number(d[1]);
      const max = d[2] === undefined ? min : Number(d[2]);
      if (max < min) bad('the delay range is inverted');
      return { at, action: 'net', network: { minDelayMs: min, maxDelayMs: max } };
    }
    case 'request': {
      const r = /^(\d+)=(.+)$/.exec(arg);
      if (!r) return bad("expected 'request:NODE=value'");
      return { at, action: 'request', node: id(r[1]), value: r[2] };
    }
    default:
      return bad(`unknown action '${action}'`);
  }
}

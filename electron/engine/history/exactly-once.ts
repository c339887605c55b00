/**
 * The exactly-once check of append workloads: the final value of each append-only key (no put or
 * cas on it) must hold every
 * acknowledged append exactly once, each client's appends in the order the client made them; an
 * append that failed must not be there, one whose outcome is unknown at most once. Works on the
 * values alone, so each append's value must be unique in the history (the workloads make tokens
 * like `[c1.3]`).
 */
import { type History, type Operation, buildHistory } from './history.js';

export interface KeyAppends {
  key: string;
  /** The final value, from the last read that began after every append on the key had ended. */
  finalValue: string | null;
  /** The read the final value comes from. */
  finalRead?: Operation;
  /** Acknowledged appends missing from the final value. */
  lost: Operation[];
  /** Appends whose value is there more than once. */
  duplicated: Operation[];
  /** Appends that failed (definitely not executed) but are there. */
  phantom: Operation[];
  /** Pairs of one client's appends found in the opposite order: `first` was made before `second`. */
  reordered: Array<{ first: Operation; second: Operation }>;
  /** Text in the final value that no append wrote. */
  unknownText?: string;
  /** Why this key could not be judged (no final read, values not unique). */
  problem?: string;
}

export interface ExactlyOnceResult {
  /** True when no key shows a lost, duplicated, phantom or reordered append or unexplained text. */
  ok: boolean;
  /** True when some key could not be judged (see each key's problem). */
  incomplete: boolean;
  keys: KeyAppends[];
  /** One line per violation, for a human. */
  messages: string[];
}

export function checkExactlyOnce(input: History | Iterable<{ type: string }>): ExactlyOnceResult {
  const history = 'operations' in input && Array.isArray((input as History).operations) ? (input as History) : buildHistory(input as Iterable<{ type: string }>);
  const byKey = new Map<string, Operation[]>();
  for (const o of history.operations) {
    if (!('key' in o.op)) continue;
    const list = byKey.get(o.op.key) ?? [];
    list.push(o);
    byKey.set(o.op.key, list);
  }
  const keys: KeyAppends[] = [];
  const messages: string[] = [];
  for (const [key, ops] of [...byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const appends = ops.filter((o) => o.op.f === 'append');
    if (appends.length === 0) continue;
    // Only an append-only key keeps every append: a put or a swap may rightly overwrite some.
    if (ops.some((o) => o.op.f !== 'append' && o.op.f !== 'get')) continue;
    keys.push(judgeKey(key, appends, ops, messages));
  }
  const ok = messages.length === 0;
  return { ok, incomplete: keys.some((k) => k.problem !== undefined), keys, messages };
}

function judgeKey(key: string, appends: Operation[], ops: Operation[], messages: string[]): KeyAppends {
  const out: KeyAppends = { key, finalValue: null, lost: [], duplicated: [], phantom: [], reordered: [] };
  const value = (o: Operation) => (o.op as { value: string }).value;
  const values = new Set<string>();
  for (const a of appends) {
    if (values.has(value(a)) || value(a) === '') {
      out.problem = `appends to ${key} do not have unique, non-empty values (${JSON.stringify(value(a))}), so they cannot be told apart`;
      return out;
    }
    values.add(value(a));
  }
  // Appends with an unknown outcome may land any time; the final read must follow every other one.
  const settled = Math.max(...appends.filter((a) => a.status !== 'info').map((a) => a.ret), -Infinity);
  const reads = ops.filter((o) => o.op.f === 'get' && o.status === 'ok' && o.call > settled && (o.result === null || typeof o.result === 'string'));
  const finalRead = reads.sort((a, b) => b.ret - a.ret)[0];
  if (!finalRead) {
    out.problem = `no read of ${key} began after its appends ended, so its final value is unknown`;
    return out;
  }
  out.finalRead = finalRead;
  const final = (finalRead.result as string | null) ?? '';
  out.finalValue = finalRead.result as string | null;
  const position = new Map<Operation, number>();
  let rest = final;
  for (const a of appends) {
    const v = value(a);
    const first = final.indexOf(v);
    const count = first < 0 ? 0 : countOf(final, v);
    if (first >= 0) position.set(a, first);
    rest = rest.split(v).join('');
    if (a.status === 'ok' && count === 0) {
      out.lost.push(a);
      messages.push(`${key}: ${a.client}'s acknowledged append ${JSON.stringify(v)} is lost (not in the final value)`);
    }
    if (count > 1) {
      out.duplicated.push(a);
      messages.push(`${key}: ${a.client}'s append ${JSON.stringify(v)} is there ${count} times`);
    }
    if (a.status === 'fail' && count > 0) {
      out.phantom.push(a);
      messages.push(`${key}: ${a.client}'s append ${JSON.stringify(v)} failed, yet it is in the final value`);
    }
  }
  const byClient = new Map<string, Operation[]>();
  for (const a of appends) if (position.has(a)) byClient.set(a.client, [...(byClient.get(a.client) ?? []), a]);
  for (const [client, list] of byClient) {
    list.sort((x, y) => x.call - y.call);
    for (let i = 1; i < list.length; i++) {
      // Only a later append that began after the earlier one ended is ordered after it.
      const earlier = list.slice(0, i).filter((p) => p.ret < list[i].call);
      const wrong = earlier.find((p) => position.get(p)! > position.get(list[i])!);
      if (wrong) {
        out.reordered.push({ first: wrong, second: list[i] });
        messages.push(`${key}: ${client} appended ${JSON.stringify(value(wrong))} before ${JSON.stringify(value(list[i]))}, but the final value has them the other way round`);
      }
    }
  }
  if (rest.length > 0) {
    out.unknownText = rest;
    messages.push(`${key}: the final value holds ${JSON.stringify(rest)}, which no append wrote`);
  }
  return out;
}

function countOf(s: string, v: string): number {
  let n = 0;
  for (let i = s.indexOf(v); i >= 0; i = s.indexOf(v, i + v.length)) n++;
  return n;
}

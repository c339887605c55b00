/**
 * Reading and writing traces as JSON lines (docs/trace-format.md): one `meta` line first, then one
 * event per line. The writer puts keys in a fixed order per event type, so the same run gives the
 * same bytes; the reader validates every line against the schema and names the lines it rejects.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isClientId, type TraceEvent } from './events.js';
import { FIELD_ORDER, traceEventProblem } from './schema.js';

export interface TraceProblem {
  /** 1-based line number in the text. */
  line: number;
  message: string;
}

/** A trace that cannot be read; `problems` lists the offending lines (the first few). */
export class TraceFormatError extends Error {
  override name = 'TraceFormatError';
  constructor(
    message: string,
    readonly problems: TraceProblem[] = [],
  ) {
    super(message);
  }
}

const MAX_PROBLEMS = 10;

/** One event as one line of JSON (no newline), keys in the canonical order. */
export function serializeEvent(e: TraceEvent): string {
  const rec = e as unknown as Record<string, unknown>;
  const order = FIELD_ORDER[e.type] ?? ['seq', 't', 'lc', 'type'];
  let out = '{';
  let first = true;
  for (const k of order) {
    const v = rec[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + JSON.stringify(v);
    first = false;
  }
  // Fields the format does not know still round-trip, after the known ones, sorted.
  const known = order.length;
  if (Object.keys(rec).length > known) {
    for (const k of Object.keys(rec).filter((k) => !order.includes(k)).sort()) {
      if (rec[k] === undefined) continue;
      out += (first ? '' : ',') + JSON.stringify(k) + ':' + JSON.stringify(rec[k]);
      first = false;
    }
  }
  return out + '}';
}

export function serializeTrace(events: readonly TraceEvent[]): string {
  let out = '';
  for (const e of events) out += serializeEvent(e) + '\n';
  return out;
}

/** Parse and validate a whole trace. Throws TraceFormatError naming the bad lines. */
export function parseTrace(text: string, source = 'trace'): TraceEvent[] {
  const events: TraceEvent[] = [];
  const problems: TraceProblem[] = [];
  const lines = text.split('\n');
  let expectedSeq = 0;
  for (let i = 0; i < lines.length && problems.length < MAX_PROBLEMS; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.trim() === '') continue;
    const at = i + 1;
    const seq = expectedSeq++;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push({ line: at, message: `not JSON (${(err as Error).message})` });
      continue;
    }
    const problem = traceEventProblem(value);
    if (problem) {
      problems.push({ line: at, message: problem });
      continue;
    }
    const e = value as TraceEvent;
    if (events.length === 0 && e.type !== 'meta') problems.push({ line: at, message: `the first event must be 'meta', got '${e.type}'` });
    else if (events.length > 0 && e.type === 'meta') problems.push({ line: at, message: "'meta' may only be the first event" });
    else if (e.seq !== seq) problems.push({ line: at, message: `seq ${e.seq} out of order (expected ${seq})` });
    else if (events.length > 0 && (events[0] as { format?: string }).format === 'paxlab-trace/1') {
      const newer = newerThanFormat1(e);
      if (newer) problems.push({ line: at, message: `${newer} exists only in paxlab-trace/2 (the meta line says paxlab-trace/1)` });
    }
    events.push(e);
  }
  if (events.length === 0 && problems.length === 0) problems.push({ line: 1, message: 'empty trace (no meta line)' });
  if (problems.length > 0) {
    const list = problems.map((p) => `  line ${p.line}: ${p.message}`).join('\n');
    throw new TraceFormatError(`${source} is not a valid PaxLab trace:\n${list}`, problems);
  }
  return events;
}

/** What a format-1 trace cannot hold: clients, their history, the cluster's replay fields. */
function newerThanFormat1(e: TraceEvent): string | null {
  switch (e.type) {
    case 'invoke':
    case 'ok':
    case 'fail':
    case 'info':
    case 'start':
      return `a '${e.type}' event`;
    case 'timer':
      return e.after !== undefined || e.at !== undefined ? "a timer's after/at" : null;
    case 'send':
    case 'deliver':
    case 'drop':
    case 'duplicate':
    case 'delay':
      return isClientId(e.from) || isClientId(e.to) ? 'a message to or from a client' : null;
    default:
      return null;
  }
}

/** Read a trace file. Throws TraceFormatError for a missing, unreadable or invalid file. */
export function readTrace(path: string): TraceEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TraceFormatError(code === 'ENOENT' ? `no such trace file: ${path}` : `cannot read ${path}: ${(err as Error).message}`);
  }
  return parseTrace(text, path);
}

/** Write a trace file; written to a temporary name first, so a failed write never leaves half a trace. */
export function writeTrace(path: string, events: readonly TraceEvent[]): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, serializeTrace(events));
  renameSync(tmp, path);
}

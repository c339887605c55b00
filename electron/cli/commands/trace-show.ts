/** `paxlab trace show <file>`: print a trace as a text space-time diagram. */
import { UsageError } from '../main.js';
import { readTrace, TraceFormatError } from '../../engine/trace/io.js';
import { renderTraceDiagram } from '../../engine/trace/diagram.js';
import { TRACE_EVENT_TYPES } from '../../engine/trace/schema.js';
import type { TraceEventType } from '../../engine/trace/events.js';

interface ShowOptions {
  width?: string;
  types?: string;
  kinds?: string;
}

export async function run(file: string, opts: ShowOptions = {}): Promise<number> {
  const width = opts.width === undefined ? undefined : Number(opts.width);
  if (width !== undefined && !(Number.isInteger(width) && width >= 6 && width <= 60)) {
    throw new UsageError(`--width must be an integer in [6, 60], got '${opts.width}'`);
  }
  const types = list(opts.types);
  const unknown = types?.filter((t) => !(TRACE_EVENT_TYPES as string[]).includes(t));
  if (unknown?.length) throw new UsageError(`unknown event type(s) ${unknown.join(', ')}; known: ${TRACE_EVENT_TYPES.join(', ')}`);
  let events;
  try {
    events = readTrace(file);
  } catch (err) {
    if (err instanceof TraceFormatError) throw new UsageError(err.message);
    throw err;
  }
  const columns = process.stdout.columns && process.stdout.columns >= 40 ? process.stdout.columns : 120;
  process.stdout.write(renderTraceDiagram(events, { width, types: types as TraceEventType[] | undefined, kinds: list(opts.kinds), maxLineWidth: columns }));
  return 0;
}

function list(s: string | undefined): string[] | undefined {
  if (s === undefined) return undefined;
  const items = s.split(',').map((x) => x.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

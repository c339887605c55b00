/**
 * The JSON schema of one trace line (docs/trace-format.md), and its compiled validator. Kept in step
 * with events.ts: a test checks every event type there has a schema here.
 */
import { Ajv } from 'ajv';
import { TRACE_FORMATS, type TraceEventType } from './events.js';

const int = { type: 'integer' } as const;
const nat = { type: 'integer', minimum: 0 } as const;
const node = { type: 'integer', minimum: 1 } as const;
const time = { type: 'number', minimum: 0 } as const;
const str = { type: 'string' } as const;
const client = { type: 'string', pattern: '^c[1-9][0-9]*$' } as const;
/** A node (integer) or a client (`c1`, …). */
const participant = { anyOf: [node, client] } as const;
const json = {} as const;
const op = { type: 'object', required: ['f'], properties: { f: str } } as const;

const network = {
  type: 'object',
  required: ['loss', 'dup', 'minDelayMs', 'maxDelayMs'],
  additionalProperties: false,
  properties: {
    loss: { type: 'number', minimum: 0, maximum: 1 },
    dup: { type: 'number', minimum: 0, maximum: 1 },
    minDelayMs: { type: 'number', minimum: 0 },
    maxDelayMs: { type: 'number', minimum: 0 },
    requestLoss: { type: 'number', minimum: 0, maximum: 1 },
    replyLoss: { type: 'number', minimum: 0, maximum: 1 },
  },
} as const;

const message = { type: 'object', required: ['kind'], properties: { kind: str } } as const;
const dropReason = { enum: ['loss', 'partition', 'link-cut', 'crashed', 'down'] } as const;

/** The fields of each event type besides seq, t, lc and type; `true` marks an optional one. */
const FIELDS: Record<TraceEventType, Record<string, [object, boolean?]>> = {
  meta: {
    format: [{ enum: [...TRACE_FORMATS] }],
    source: [{ enum: ['sim', 'cluster', 'replay', 'search', 'import'] }],
    nodes: [{ type: 'array', items: node, minItems: 1 }],
    clients: [{ type: 'array', items: client }, true],
    model: [{ enum: ['kv', 'lock', 'log'] }, true],
    workload: [str, true],
    seed: [int, true],
    protocol: [str, true],
    network: [network, true],
    title: [str, true],
  },
  send: { id: [nat], from: [participant], to: [participant], msg: [message] },
  deliver: { id: [nat], from: [participant], to: [participant], msg: [message], copy: [nat] },
  drop: { id: [nat], from: [participant], to: [participant], reason: [dropReason], copy: [nat] },
  duplicate: { id: [nat], from: [participant], to: [participant], copy: [nat] },
  delay: { id: [nat], from: [participant], to: [participant], copy: [nat], ms: [time] },
  timer: { node: [node], name: [str], after: [nat, true], at: [time, true] },
  start: { node: [node], at: [time] },
  crash: { node: [node] },
  restart: { node: [node] },
  partition: { groups: [{ type: 'array', items: { type: 'array', items: node } }] },
  heal: {},
  link: { a: [node], b: [node], up: [{ type: 'boolean' }] },
  net: { network: [network] },
  decide: { node: [node], value: [str], slot: [nat] },
  'client-request': { node: [node], request: [str], value: [str] },
  'client-reply': { node: [node], request: [str], result: [str] },
  invoke: { client: [client], request: [str], op: [op], node: [node] },
  ok: { client: [client], request: [str], result: [json], node: [node] },
  fail: { client: [client], request: [str], reason: [str], node: [node, true] },
  info: { client: [client], request: [str], reason: [str] },
  error: { node: [node, true], message: [str] },
  log: { node: [node], text: [str] },
};

/** Every event type, in the order the format document lists them. */
export const TRACE_EVENT_TYPES = Object.keys(FIELDS) as TraceEventType[];

/**
 * The field order of each event type when written: seq, t, lc, type, then the type's own fields.
 * The writer uses it so the same run always gives the same bytes.
 */
export const FIELD_ORDER: Record<TraceEventType, string[]> = Object.fromEntries(
  TRACE_EVENT_TYPES.map((t) => [t, ['seq', 't', 'lc', 'type', ...Object.keys(FIELDS[t])]]),
) as Record<TraceEventType, string[]>;

export const TRACE_EVENT_SCHEMA = {
  $id: 'https://paxlab.dev/schema/trace-event.json',
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: TRACE_EVENT_TYPES.map((type) => {
    const own = FIELDS[type];
    return {
      type: 'object',
      additionalProperties: false,
      required: ['seq', 't', 'lc', 'type', ...Object.keys(own).filter((k) => !own[k][1])],
      properties: {
        seq: nat,
        t: time,
        lc: nat,
        type: { const: type },
        ...Object.fromEntries(Object.entries(own).map(([k, [s]]) => [k, s])),
      },
    };
  }),
} as const;

let compiled: ReturnType<Ajv['compile']> | undefined;

/** Why `event` is not a valid trace event, or null when it is. */
export function traceEventProblem(event: unknown): string | null {
  compiled ??= new Ajv({ discriminator: true, allErrors: false, strict: false }).compile(TRACE_EVENT_SCHEMA);
  if (compiled(event)) return null;
  const e = compiled.errors?.[0];
  if (!e) return 'invalid event';
  const where = e.instancePath ? `${e.instancePath.slice(1).replace(/\//g, '.')} ` : '';
  const extra = e.keyword === 'additionalProperties' ? ` '${String((e.params as { additionalProperty?: string }).additionalProperty)}'` : '';
  const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  if (e.keyword === 'discriminator') {
    const type = (event as { type?: unknown }).type;
    return `unknown event type ${JSON.stringify(type)} (known: ${TRACE_EVENT_TYPES.join(', ')})`;
  }
  return `${where}${e.message ?? 'is invalid'}${extra}${allowed}`;
}

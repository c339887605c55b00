export * from './events.js';
export { TraceRecorder } from './recorder.js';
export { serializeEvent, serializeTrace, parseTrace, readTrace, writeTrace, TraceFormatError, type TraceProblem } from './io.js';
export { TRACE_EVENT_SCHEMA, TRACE_EVENT_TYPES, traceEventProblem } from './schema.js';
export { renderTraceDiagram, type DiagramOptions } from './diagram.js';

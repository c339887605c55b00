/**
 * The realm side of a whole node's `NodeContext` (docs/student-api.md, the node API): trusted code
 * evaluated in the student realm before any student code runs, right after the realm kit
 * (student-realm.ts). It makes, per node, a context object whose methods only *record* what the
 * node asks for — messages, timers, decisions, answers, saves, log lines — into a buffer private to
 * the kit; the harness drains that buffer after each call and reads it out as data (guarded-node.ts).
 * What a node reads from its context — `now()`, `random()`, `storage.load()` — is handed in per
 * call as data by the harness (`begin`). No harness object ever enters the realm.
 *
 * A message or a saved state is serialized when it is sent or saved, with the realm's own
 * JSON.stringify (captured here, so a student's patch of JSON changes only their own code): that is
 * what the real cluster does, so an object changed after it was sent does not rewrite what was sent.
 * Serializing runs the student's `toJSON` and getters inside the student's own call, which is metered.
 * Records are object literals and are stored with the captured `defineProperty`: no setter a student
 * puts on `Object.prototype` or `Array.prototype` ever runs while the kit records.
 */

/** The most effects one call may record; past it the kit records nothing more and says so. */
export const MAX_EFFECTS_PER_CALL = 2000;
/** The largest message or saved state, in characters of JSON. */
export const MAX_MESSAGE_CHARS = 64 * 1024;
export const MAX_SAVE_CHARS = 1024 * 1024;
/** The longest log line kept (then cut). */
export const MAX_LOG_CHARS = 2000;

export const NODE_KIT = `"use strict";
const O = Object, R = Reflect, J = JSON, S = String;
const defineProperty = O.defineProperty, freeze = O.freeze, apply = R.apply;
const stringify = J.stringify, parse = J.parse, slice = S.prototype.slice, imul = Math.imul;
const MAX_EFFECTS = ${MAX_EFFECTS_PER_CALL}, MAX_MSG = ${MAX_MESSAGE_CHARS}, MAX_SAVE = ${MAX_SAVE_CHARS}, MAX_LOG = ${MAX_LOG_CHARS};
function prim(v) {
  const t = typeof v;
  if (v === null || t === 'undefined' || t === 'number' || t === 'string' || t === 'boolean') return v;
  return { notPrimitive: t === 'object' ? 'an object' : t === 'function' ? 'a function' : 'a ' + t };
}
function json(v, max) {
  let s;
  try {
    s = apply(stringify, J, [v]);
  } catch (e) {
    let why = 'serializing it threw';
    try { if (e !== null && typeof e === 'object' && typeof e.message === 'string') why = apply(slice, e.message, [0, 200]); } catch (e2) {}
    return { bad: 'not JSON data (' + why + ')' };
  }
  if (typeof s !== 'string') return { bad: 'not JSON data (' + (v === undefined ? 'undefined' : typeof v) + ')' };
  if (s.length > max) return { bad: 'too large (' + s.length + ' characters of JSON, at most ' + max + ')' };
  return { text: s };
}
function show(v) {
  try {
    if (typeof v === 'string') return v;
    if (v !== null && typeof v === 'object') {
      const s = apply(stringify, J, [v]);
      if (typeof s === 'string') return s;
    }
    return S(v);
  } catch (e) {
    return '[unprintable]';
  }
}
function makeContext(id, nodeList) {
  let effects = [];
  let count = 0;
  let flooded = false;
  let now = 0;
  let rng = 1;
  let stored = undefined;
  function full() {
    if (count < MAX_EFFECTS) return false;
    flooded = true;
    return true;
  }
  function add(rec) {
    if (count >= MAX_EFFECTS) { flooded = true; return; }
    defineProperty(effects, count, { value: rec, writable: true, enumerable: true, configurable: true });
    count++;
  }
  const nodes = [];
  for (let i = 0; i < nodeList.length; i++) defineProperty(nodes, i, { value: nodeList[i], writable: false, enumerable: true, configurable: false });
  freeze(nodes);
  const storage = freeze({
    load: function load() { return stored === undefined ? undefined : apply(parse, J, [stored]); },
    save: function save(state) {
      if (full()) return;
      const j = json(state, MAX_SAVE);
      if (j.text !== undefined) stored = j.text;
      add({ op: 'save', text: j.text, bad: j.bad });
    },
  });
  const ctx = freeze({
    id: id,
    nodes: nodes,
    storage: storage,
    send: function send(to, msg) { if (full()) return; const j = json(msg, MAX_MSG); add({ op: 'send', to: prim(to), text: j.text, bad: j.bad }); },
    broadcast: function broadcast(msg, options) {
      if (full()) return;
      let self = true;
      if (options !== undefined && options !== null && typeof options === 'object') self = options.includeSelf !== false;
      const j = json(msg, MAX_MSG);
      add({ op: 'broadcast', self: self, text: j.text, bad: j.bad });
    },
    setTimer: function setTimer(name, delayMs) { add({ op: 'setTimer', name: prim(name), delay: prim(delayMs) }); },
    cancelTimer: function cancelTimer(name) { add({ op: 'cancelTimer', name: prim(name) }); },
    now: function now_() { return now; },
    random: function random() {
      // mulberry32 from the seed the harness handed in for this call: reproducible.
      rng = (rng + 0x6d2b79f5) | 0;
      let t = rng;
      t = imul(t ^ (t >>> 15), t | 1);
      t ^= t + imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    decide: function decide(value, slot) { add({ op: 'decide', value: prim(value), slot: prim(slot) }); },
    reply: function reply(requestId, result) { add({ op: 'reply', id: prim(requestId), result: prim(result) }); },
    redirect: function redirect(requestId, to) { add({ op: 'redirect', id: prim(requestId), to: prim(to) }); },
    reject: function reject(requestId, reason) { add({ op: 'reject', id: prim(requestId), reason: prim(reason) }); },
    log: function log() {
      if (full()) return;
      let line = '';
      for (let i = 0; i < arguments.length && line.length <= MAX_LOG; i++) line += (i > 0 ? ' ' : '') + show(arguments[i]);
      if (line.length > MAX_LOG) line = apply(slice, line, [0, MAX_LOG]) + '… (cut)';
      add({ op: 'log', text: line });
    },
  });
  return freeze({
    ctx: ctx,
    begin: function begin(t, seed, text) {
      effects = []; count = 0; flooded = false;
      now = t; rng = seed | 0; stored = text;
    },
    drain: function drain() {
      const out = { effects: effects, count: count, flooded: flooded };
      effects = []; count = 0; flooded = false;
      return out;
    },
  });
}
return freeze({ makeContext: makeContext });`;

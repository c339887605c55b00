/**
 * Student code runs in a realm with standard JavaScript only (electron/engine/realm). Reaching for
 * something that is not there — `process`, `require`, a timer, `fetch`, `Date`, `Math.random` — throws
 * inside the student's own call; this names what happened, so the verdict says why rather than only
 * "threw ReferenceError".
 */
import type { SerializedError } from './sandbox-protocol.js';

/** Names a Node or browser program may expect that role code does not have. */
const HOST_NAMES = new Set([
  'process', 'require', 'module', 'exports', '__dirname', '__filename', 'Buffer', 'global',
  'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'queueMicrotask', 'structuredClone',
  'fetch', 'XMLHttpRequest', 'WebSocket', 'performance', 'navigator', 'window', 'self', 'document',
  'Date', 'Intl', 'ArrayBuffer', 'SharedArrayBuffer', 'Atomics', 'DataView', 'WebAssembly', 'FinalizationRegistry', 'WeakRef',
  'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array',
  'Uint8ClampedArray', 'BigUint64Array', 'BigInt64Array', 'TextEncoder', 'TextDecoder', 'crypto', 'URL',
]);

/** Properties of `process` whose use shows up as a read from undefined (`globalThis.process.exit`). */
const PROCESS_FIELDS = /^Cannot read properties of undefined \(reading '(exit|kill|env|argv|pid|ppid|binding|_linkedBinding|stdout|stderr|stdin|mainModule|versions|cwd|hrtime|memoryUsage|platform|dlopen|abort|send)'\)$/;

export const NO_HOST = 'role code runs with standard JavaScript and @paxlab/sdk only: no process, require, timers, network, files, clocks or randomness';

/** Why a thrown error is an attempt to use the host, or null when it is an ordinary error. */
export function hostAccess(e: SerializedError): string | null {
  const undefinedName = /^(\S+) is not defined$/.exec(e.message);
  if (e.name === 'ReferenceError' && undefinedName && HOST_NAMES.has(undefinedName[1])) return `${undefinedName[1]} is not available: ${NO_HOST}`;
  if (e.name === 'TypeError' && PROCESS_FIELDS.test(e.message)) return `process is not available: ${NO_HOST}`;
  // `globalThis.ArrayBuffer` and the like read as undefined: "g.ArrayBuffer is not a constructor".
  const notThere = /^(?:[\w$]+\.)*([\w$]+) is not a (?:constructor|function)$/.exec(e.message);
  if (e.name === 'TypeError' && notThere && HOST_NAMES.has(notThere[1])) return `${notThere[1]} is not available: ${NO_HOST}`;
  if (e.name === 'TypeError' && /^Math\.random is not available/.test(e.message)) return `Math.random is not available: ${NO_HOST}`;
  if (e.name === 'EvalError' && /Code generation from strings disallowed/.test(e.message)) return `eval and new Function are not available: ${NO_HOST}`;
  return null;
}

/**
 * The real cluster's costs: (a) bringing 5 node processes up and connected, (b) the hub's relay
 * throughput against a bare loopback TCP relay of the same frames, (c) single-decree decision
 * latency against two request/response round trips through that bare relay, its floor. Like is
 * compared with like: a warm cluster's decisions with the warm relay's round trips (the target, at
 * the default durability `process`), and a fresh cluster's first decision with a fresh echo
 * process's first round trips (shown, no target: first runs of code cost what they cost).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { NodeId } from '@paxlab/sdk';
import { startCluster } from '../../electron/engine/cluster/index.js';
import type { Durability } from '../../electron/engine/cluster/index.js';
import { Hub } from '../../electron/engine/cluster/hub.js';
import { encodeFrame } from '../../electron/engine/cluster/framing.js';
import { WIRE_VERSION } from '../../electron/engine/cluster/protocol.js';
import { TraceRecorder } from '../../electron/engine/trace/recorder.js';

interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const NO_FAULTS = { loss: 0, dup: 0, minDelayMs: 0, maxDelayMs: 0 };
/** How long a new cluster (or echo peer) runs before its first request is timed. */
const SETTLE_MS = 300;

// ---- a bare relay of the same frames: parse each to find its addressee, forward its bytes ----

interface Relay {
  port: number;
  has(node: number): boolean;
  close(): Promise<void>;
}

/** The first frame of a connection is a hello naming its node; every later frame is forwarded
 * unchanged to the node in its `to` field. No faults, no trace, no re-encoding. */
function rawRelay(): Promise<Relay> {
  const peers = new Map<number, net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    let pending: Buffer | null = null;
    let me = 0;
    socket.on('data', (chunk: Buffer) => {
      const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      const corked = new Set<net.Socket>();
      while (buf.length - at >= 4) {
        const len = buf.readUInt32BE(at);
        if (buf.length - at - 4 < len) break;
        const frame = JSON.parse(buf.toString('utf8', at + 4, at + 4 + len)) as { node?: number; to?: number };
        if (me === 0) {
          me = frame.node!;
          peers.set(me, socket);
        } else {
          const to = peers.get(frame.to!);
          if (to) {
            if (!corked.has(to)) (to.cork(), corked.add(to));
            to.write(buf.subarray(at, at + 4 + len));
          }
        }
        at += 4 + len;
      }
      for (const s of corked) s.uncork();
      pending = at === buf.length ? null : Buffer.from(buf.subarray(at));
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        has: (node) => peers.has(node),
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

/** Count whole frames arriving on a socket (length headers only) and resolve after `n`. */
function countFrames(socket: net.Socket, n: number, skip = 0): Promise<void> {
  let seen = -skip;
  let pending: Buffer | null = null;
  return new Promise((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      while (buf.length - at >= 4 && buf.length - at - 4 >= buf.readUInt32BE(at)) {
        at += 4 + buf.readUInt32BE(at);
        seen++;
      }
      pending = at === buf.length ? null : Buffer.from(buf.subarray(at));
      if (seen >= n) resolve();
    });
  });
}

const connect = (port: number) =>
  new Promise<net.Socket>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(s));
  });

async function writeAll(socket: net.Socket, frames: Buffer[]): Promise<void> {
  // Chunks of 256 frames, honouring backpressure, like a busy node would write.
  for (let i = 0; i < frames.length; i += 256) {
    if (!socket.write(Buffer.concat(frames.slice(i, i + 256)))) await new Promise((r) => socket.once('drain', r));
  }
}

/** Messages per second of wall-clock time, and per second of this process's CPU time (which a
 * busy machine disturbs far less). */
interface Rate {
  wall: number;
  cpu: number;
}

const MSG = { kind: 'accept', from: 1, rnd: 12, val: 'a client command of moderate length' };

/** Send `n` identical frames from `a` and time until `b` has them all: the same for hub and raw relay. */
async function timedRelay(a: net.Socket, b: net.Socket, n: number, done: Promise<unknown>): Promise<Rate> {
  const frames = Array.from({ length: n }, () => encodeFrame({ type: 'send', to: 2, msg: MSG }));
  const t = performance.now();
  const cpu = process.cpuUsage();
  await writeAll(a, frames);
  await done;
  const ms = performance.now() - t;
  const c = process.cpuUsage(cpu);
  a.destroy();
  b.destroy();
  return { wall: (n / ms) * 1000, cpu: (n / ((c.user + c.system) / 1000)) * 1000 };
}

export async function hubThroughput(n: number): Promise<Rate> {
  const hub = await Hub.listen({ nodes: [1, 2], token: 't', seed: 1, network: NO_FAULTS, recorder: new TraceRecorder({ source: 'cluster', nodes: [1, 2] }) });
  const [a, b] = await Promise.all([connect(hub.port), connect(hub.port)]);
  a.write(encodeFrame({ type: 'hello', version: WIRE_VERSION, token: 't', node: 1 }));
  b.write(encodeFrame({ type: 'hello', version: WIRE_VERSION, token: 't', node: 2 }));
  const done = countFrames(b, n, 1); // skip the welcome
  while (!(hub.isConnected(1) && hub.isConnected(2))) await new Promise((r) => setTimeout(r, 5));
  const rate = await timedRelay(a, b, n, done);
  await hub.close();
  return rate;
}

export async function rawThroughput(n: number): Promise<Rate> {
  const relay = await rawRelay();
  const [a, b] = await Promise.all([connect(relay.port), connect(relay.port)]);
  a.write(encodeFrame({ type: 'hello', node: 1 }));
  b.write(encodeFrame({ type: 'hello', node: 2 }));
  while (!relay.has(1) || !relay.has(2)) await new Promise((r) => setTimeout(r, 5));
  const done = countFrames(b, n);
  const rate = await timedRelay(a, b, n, done);
  await relay.close();
  return rate;
}

/**
 * Two request/response round trips through the bare relay to an echo peer in its own process:
 * `hot` is the median of back-to-back pairs after a warm-up; `fresh` is the first pair a newly
 * started echo process answers, after the same settling time a new cluster gets before its request.
 */
async function rawRoundTrips(reps: number): Promise<{ hot: number; fresh: number }> {
  const relay = await rawRelay();
  const echo = spawn(
    process.execPath,
    [
      '-e',
      `const net=require('net');const s=net.connect({host:'127.0.0.1',port:${relay.port},noDelay:true},()=>{` +
        `const f=(o)=>{const j=Buffer.from(JSON.stringify(o));const b=Buffer.alloc(4+j.length);b.writeUInt32BE(j.length);j.copy(b,4);return b};` +
        `s.write(f({type:'hello',node:2}));` +
        // Answer every frame (one per round trip) with a frame addressed back to node 1.
        `s.on('data',(d)=>{const m=JSON.parse(d.toString('utf8',4));m.to=1;s.write(f(m));});});`,
    ],
    { stdio: 'ignore' },
  );
  try {
    const a = await connect(relay.port);
    a.write(encodeFrame({ type: 'hello', node: 1 }));
    while (!relay.has(1) || !relay.has(2)) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const once = () =>
      new Promise<void>((resolve) => {
        a.once('data', () => resolve());
        a.write(encodeFrame({ type: 'send', to: 2, msg: MSG }));
      });
    const pair = async () => {
      const t = performance.now();
      await once();
      await once();
      return performance.now() - t;
    };
    const fresh = await pair();
    for (let i = 0; i < 10; i++) await pair();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) times.push(await pair());
    a.destroy();
    return { hot: median(times), fresh };
  } finally {
    echo.kill('SIGKILL');
    await relay.close();
  }
}

async function startupMs(): Promise<number> {
  const t = performance.now();
  const c = startCluster({ nodes: 5 });
  await c.ready;
  const ms = performance.now() - t;
  await c.shutdown();
  return ms;
}

/** The first decision of a fresh cluster of reference nodes: its code runs for the first time. */
async function firstDecisionMs(): Promise<number> {
  const c = startCluster({ nodes: 5, network: NO_FAULTS });
  try {
    await c.ready;
    // Let the failure detectors settle so node 1 is the undisputed leader.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    c.clientRequest(1 as NodeId, 'v');
    await c.waitFor((cl) => cl.decisions().size > 0, 10_000);
    const req = c.trace.find((e) => e.type === 'client-request')!;
    const dec = c.trace.find((e) => e.type === 'decide')!;
    return dec.t - req.t;
  } finally {
    await c.shutdown();
  }
}

/** test/bench/support/instances-node.ts bundled for the node processes (plain Node runs no TypeScript). */
async function instancesProgram(dir: string): Promise<string> {
  const out = path.join(dir, 'instances-node.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./support/instances-node.ts', import.meta.url))],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  return out;
}

/** Instances decided, untimed, before a warm cluster's decisions are timed. */
const WARM_UP_INSTANCES = 5;

/**
 * The median decision of a warm cluster: single-decree instances decided one after another by the
 * same node processes (support/instances-node.ts), each timed from the client request at the leader
 * to the leader's decision, as the first decision is. The first WARM_UP_INSTANCES are not timed.
 * Instances wait until the previous one is decided everywhere and a heartbeat period has passed, so
 * they do not overlap.
 */
async function warmDecisionMs(program: string, durability: Durability, timed: number, nodes = 5): Promise<number> {
  const c = startCluster({ nodes, network: NO_FAULTS, durability, nodeProgram: { module: program } });
  try {
    await c.ready;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const times: number[] = [];
    for (let k = 1; k <= WARM_UP_INSTANCES + timed; k++) {
      const from = c.trace.length;
      const request = c.clientRequest(1 as NodeId, `v${k}`, `instance-${k}`);
      const decides = () => c.trace.slice(from).filter((e) => e.type === 'decide' && e.slot === k);
      await c.waitFor(() => decides().length === nodes, 10_000);
      const req = c.trace.slice(from).find((e) => e.type === 'client-request' && e.request === request)!;
      const dec = decides().find((e) => e.type === 'decide' && e.node === 1)!;
      if (k > WARM_UP_INSTANCES) times.push(dec.t - req.t);
      await new Promise((r) => setTimeout(r, 20));
    }
    return median(times);
  } finally {
    await c.shutdown();
  }
}

export async function bench(): Promise<Figure[]> {
  await startupMs(); // warm the file cache
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) starts.push(await startupMs());

  const n = 30_000;
  await hubThroughput(5000);
  await rawThroughput(5000);
  const hubRates: Rate[] = [];
  const rawRates: Rate[] = [];
  for (let i = 0; i < 5; i++) {
    hubRates.push(await hubThroughput(n));
    rawRates.push(await rawThroughput(n));
  }
  const hubRate = median(hubRates.map((r) => r.wall));
  const rawRate = median(rawRates.map((r) => r.wall));
  const cpuRatio = median(hubRates.map((r) => r.cpu)) / median(rawRates.map((r) => r.cpu));

  // Storage in the default temporary folder (on disk here). The target compares like with like:
  // a warm cluster's decisions with the hot relay's round trips; first decisions are shown beside
  // the first round trips of a fresh echo process.
  const firsts: number[] = [];
  for (let i = 0; i < 5; i++) firsts.push(await firstDecisionMs());
  const first = median(firsts);
  const dir = mkdtempSync(path.join(tmpdir(), 'paxlab-bench-'));
  let warm: number;
  let warmFsync: number;
  let warm3: number;
  try {
    const program = await instancesProgram(dir);
    warm = await warmDecisionMs(program, 'process', 40);
    warmFsync = await warmDecisionMs(program, 'fsync', 20);
    warm3 = await warmDecisionMs(program, 'process', 20, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const freshPairs: number[] = [];
  for (let i = 0; i < 4; i++) freshPairs.push((await rawRoundTrips(5)).fresh);
  const { hot: rtt2, fresh } = await rawRoundTrips(50);
  freshPairs.push(fresh);
  const rtt2Fresh = median(freshPairs);

  return [
    { name: '5 node processes up and connected (median of 5)', value: starts.length ? median(starts) / 1000 : NaN, unit: 's', target: '<= 0.4 s', note: `min ${(Math.min(...starts) / 1000).toFixed(3)} s` },
    { name: 'hub relay throughput (no faults, trace recorded)', value: hubRate, unit: 'msg/s' },
    { name: 'bare loopback TCP relay throughput', value: rawRate, unit: 'msg/s' },
    { name: 'hub / bare relay throughput', value: hubRate / rawRate, unit: 'x', target: '>= 0.5x' },
    { name: 'hub / bare relay throughput per CPU second', value: cpuRatio, unit: 'x', target: '>= 0.5x', note: 'steadier on a busy machine' },
    { name: 'two request/response round trips through the bare relay', value: rtt2, unit: 'ms', note: 'median of back-to-back pairs after a warm-up' },
    { name: 'single-decree decision latency, warm cluster', value: warm, unit: 'ms', note: "request at leader → decide; median of 40 instances; durability 'process', storage on disk" },
    { name: 'warm decision latency / two round trips', value: warm / rtt2, unit: 'x', target: '<= 3x' },
    { name: 'warm decision latency, 3 nodes', value: warm3, unit: 'ms', note: '4 processes instead of 6 on the same cores' },
    { name: 'warm 3-node decision latency / two round trips', value: warm3 / rtt2, unit: 'x', note: 'no target: shows what sharing the cores costs' },
    { name: 'warm decision latency, durability fsync', value: warmFsync, unit: 'ms', note: 'every save flushed to disk (survives power loss)' },
    { name: 'warm decision latency with fsync / two round trips', value: warmFsync / rtt2, unit: 'x', note: 'optional level: no target' },
    { name: 'first decision of a fresh cluster', value: first, unit: 'ms', note: 'median of 5 clusters: the protocol code runs for the first time' },
    { name: 'first two round trips of a fresh echo process', value: rtt2Fresh, unit: 'ms', note: `median of 5, after the same ${SETTLE_MS} ms settling` },
    { name: 'first decision / first two round trips', value: first / rtt2Fresh, unit: 'x', note: 'cold beside cold: no target' },
  ];
}

// The network hub over real TCP on loopback, driven by nodes that speak the wire protocol by hand.
import net from 'node:net';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Hub } from '../../electron/engine/cluster/hub.js';
import { WIRE_VERSION } from '../../electron/engine/cluster/protocol.js';
import { encodeFrame, encodeJsonFrame, FrameDecoder, FrameError, FrameWriter, MAX_FRAME_BYTES } from '../../electron/engine/cluster/framing.js';
import { TraceRecorder } from '../../electron/engine/trace/recorder.js';
import type { NetworkConfig, TraceEvent } from '../../electron/engine/trace/events.js';
import { RawNode, until } from './helpers.js';

const TOKEN = 'secret-token-for-tests';
const hubs: Hub[] = [];
const clients: RawNode[] = [];

async function hub(network: Partial<NetworkConfig> = { minDelayMs: 0, maxDelayMs: 0 }, seed = 7): Promise<Hub> {
  const h = await Hub.listen({ nodes: [1, 2, 3], token: TOKEN, seed, network, recorder: new TraceRecorder({ source: 'cluster', nodes: [1, 2, 3] }) });
  hubs.push(h);
  return h;
}

async function join(h: Hub, node: number, token = TOKEN): Promise<RawNode> {
  const c = await RawNode.connect(h.port);
  clients.push(c);
  c.send({ type: 'hello', version: WIRE_VERSION, token, node });
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

const ofType = <T extends TraceEvent['type']>(h: Hub, type: T) =>
  h.recorder.events.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);

describe('framing', () => {
  it('decodes frames split anywhere across chunks, and refuses oversized ones', () => {
    const frames = [{ type: 'a', text: 'héllo ✓' }, { type: 'b', n: 1 }, { type: 'c', list: [1, 2, 3] }];
    const bytes = Buffer.concat(frames.map((f) => encodeFrame(f)));
    for (let cut = 1; cut < bytes.length; cut++) {
      const got: unknown[] = [];
      const d = new FrameDecoder((f) => got.push(f));
      d.push(bytes.subarray(0, cut));
      d.push(bytes.subarray(cut));
      expect(got).toEqual(frames);
    }
    const big = Buffer.alloc(4);
    big.writeUInt32BE(MAX_FRAME_BYTES + 1);
    expect(() => new FrameDecoder(() => {}).push(big)).toThrow(FrameError);
  });

  it('FrameWriter builds a burst of frames the decoder reads back, growing as needed', () => {
    const w = new FrameWriter(16);
    const body = JSON.stringify({ text: 'héllo ✓', n: 1 });
    const src = Buffer.from(`xx${body}yy`);
    const want: unknown[] = [];
    for (const i of [0, 1, 9, 10, 99, 12345, 2 ** 40]) {
      for (const asText of [true, false]) {
        w.begin(32 + body.length * 3);
        w.bytes(Buffer.from('{"i":'));
        w.int(i);
        w.bytes(Buffer.from(',"b":'));
        if (asText) w.text(body);
        else w.bytes(src, 2, src.length - 2);
        w.bytes(Buffer.from('}'));
        w.end();
        want.push({ i, b: { text: 'héllo ✓', n: 1 } });
      }
    }
    const got: unknown[] = [];
    new FrameDecoder((f) => got.push(f)).push(w.take());
    expect(got).toEqual(want);
    expect(w.take()).toHaveLength(0);
  });

  it('a relayed message reaches its addressee byte for byte as JSON', async () => {
    const h = await hub();
    const a = await join(h, 1);
    const b = await join(h, 3);
    await until(() => h.connectedNodes().length === 2, 1000);
    const msg = { kind: 'accept', from: 1, rnd: 4, val: 'quote " backslash \\ unicode ✓ \u0000' };
    a.send({ type: 'send', to: 3, msg });
    // A node that writes keys in another order gets the same result (the hub re-encodes then).
    a.socket.write(encodeJsonFrame(JSON.stringify({ msg, to: 3, type: 'send' })));
    expect(await until(() => b.frames.filter((f) => f.type === 'deliver').length === 2, 1000)).toBe(true);
    for (const f of b.frames.filter((f) => f.type === 'deliver')) expect(f.msg).toEqual(msg);
  });
});

describe('hub handshake', () => {
  it('welcomes a node with the right token and a known id', async () => {
    const h = await hub();
    const c = await join(h, 2);
    const welcome = await c.next((f) => f.type === 'welcome');
    expect(welcome).toMatchObject({ type: 'welcome', node: 2, nodes: [1, 2, 3] });
    expect(await until(() => h.isConnected(2), 1000)).toBe(true);
  });

  it('rejects a wrong token and closes the connection', async () => {
    const h = await hub();
    const c = await join(h, 1, 'not-the-token');
    const reject = await c.next((f) => f.type === 'reject');
    expect(reject).toEqual({ type: 'reject', reason: 'bad token' });
    expect(await until(() => c.closed, 2000)).toBe(true);
    expect(h.isConnected(1)).toBe(false);
    expect(ofType(h, 'error').some((e) => /bad token/.test(e.message))).toBe(true);
  });

  it('rejects an unknown node id, a missing hello and garbage', async () => {
    const h = await hub();
    const unknown = await join(h, 9);
    expect((await unknown.next((f) => f.type === 'reject'))?.reason).toMatch(/unknown node id 9/);

    const noHello = await RawNode.connect(h.port);
    clients.push(noHello);
    noHello.send({ type: 'send', to: 1, msg: { kind: 'prepare' } });
    expect((await noHello.next((f) => f.type === 'reject'))?.reason).toMatch(/first frame must be a hello/);

    const garbage = await RawNode.connect(h.port);
    clients.push(garbage);
    garbage.socket.write(Buffer.from([0, 0, 0, 3, 0x7b, 0x7b, 0x7b])); // "{{{"
    expect(await until(() => garbage.closed, 2000)).toBe(true);
    expect(h.connectedNodes()).toEqual([]);
  });

  it('listens on 127.0.0.1 only', async () => {
    const h = await hub();
    const addr = (h as unknown as { server: net.Server }).server.address() as net.AddressInfo;
    expect(addr.address).toBe('127.0.0.1');
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
        const s = net.connect({ host: external.address, port: h.port });
        s.once('connect', () => (s.destroy(), resolve(null)));
        s.once('error', (e) => resolve(e));
      });
      expect(err?.code).toBe('ECONNREFUSED');
    }
  });
});

describe('hub relay', () => {
  it('relays a message and records send and deliver', async () => {
    const h = await hub();
    const a = await join(h, 1);
    const b = await join(h, 2);
    await a.next((f) => f.type === 'welcome');
    await b.next((f) => f.type === 'welcome');
    a.send({ type: 'send', to: 2, msg: { kind: 'prepare', from: 1, crnd: 1 } });
    const got = await b.next((f) => f.type === 'deliver');
    // `t` is the hub's time of the delivery, the same as the trace's: the node's clock for it.
    const recorded = h.recorder.events.find((e) => e.type === 'deliver')!;
    expect(got).toEqual({ type: 'deliver', id: 1, from: 1, copy: 0, t: recorded.t, msg: { kind: 'prepare', from: 1, crnd: 1 } });
    const types = h.recorder.events.map((e) => e.type);
    expect(types.filter((t) => t === 'send' || t === 'deliver')).toEqual(['send', 'deliver']);
  });

  it('injects loss, duplication and partitions as the network model decides', async () => {
    const h = await hub({ loss: 1, dup: 0, minDelayMs: 0, maxDelayMs: 0 });
    const a = await join(h, 1);
    const b = await join(h, 2);
    await until(() => h.connectedNodes().length === 2, 1000);
    a.send({ type: 'send', to: 2, msg: { kind: 'x' } });
    await until(() => ofType(h, 'drop').length === 1, 1000);
    expect(ofType(h, 'drop')[0]).toMatchObject({ reason: 'loss', from: 1, to: 2 });

    h.setNetwork({ loss: 0, dup: 1 });
    a.send({ type: 'send', to: 2, msg: { kind: 'y' } });
    expect(await until(() => b.frames.filter((f) => f.type === 'deliver').length === 2, 1000)).toBe(true);
    expect(b.frames.filter((f) => f.type === 'deliver').map((f) => f.copy)).toEqual([0, 1]);
    expect(ofType(h, 'duplicate')).toHaveLength(1);

    h.setNetwork({ dup: 0 });
    h.partition([[1], [2, 3]]);
    a.send({ type: 'send', to: 2, msg: { kind: 'z' } });
    await until(() => ofType(h, 'drop').length === 2, 1000);
    expect(ofType(h, 'drop')[1].reason).toBe('partition');
    h.heal();
    h.setLink(1, 2, false);
    a.send({ type: 'send', to: 2, msg: { kind: 'w' } });
    await until(() => ofType(h, 'drop').length === 3, 1000);
    expect(ofType(h, 'drop')[2].reason).toBe('link-cut');
    expect(h.recorder.events.map((e) => e.type)).toEqual(expect.arrayContaining(['net', 'partition', 'heal', 'link']));
  });

  it('delays copies within the configured range, which reorders them', async () => {
    const h = await hub({ minDelayMs: 1, maxDelayMs: 40 }, 3);
    const a = await join(h, 1);
    const b = await join(h, 2);
    await until(() => h.connectedNodes().length === 2, 1000);
    for (let i = 0; i < 30; i++) a.send({ type: 'send', to: 2, msg: { kind: 'n', i, text: 'délai ✓' } });
    expect(await until(() => b.frames.filter((f) => f.type === 'deliver').length === 30, 3000)).toBe(true);
    const delivered = b.frames.filter((f) => f.type === 'deliver');
    for (const f of delivered) expect(f.msg).toEqual({ kind: 'n', i: (f.msg as { i: number }).i, text: 'délai ✓' });
    const order = delivered.map((f) => (f.msg as { i: number }).i);
    expect(order).not.toEqual([...order].sort((x, y) => x - y));
    for (const d of ofType(h, 'delay')) expect(d.ms).toBeGreaterThan(1);
    for (const d of ofType(h, 'delay')) expect(d.ms).toBeLessThanOrEqual(40);
  });

  it('reports bad frames from a node as errors and keeps the connection', async () => {
    const h = await hub();
    const a = await join(h, 1);
    await a.next((f) => f.type === 'welcome');
    a.send({ type: 'send', to: 42, msg: { kind: 'x' } });
    a.send({ type: 'decide', value: 17 });
    a.send({ type: 'decide', value: 'v' });
    await until(() => ofType(h, 'decide').length === 1, 1000);
    expect(ofType(h, 'error').map((e) => e.message)).toEqual([
      'bad frame from node 1: send to unknown node 42',
      'bad frame from node 1: decide.value must be a string',
    ]);
    expect(h.isConnected(1)).toBe(true);
  });

  it('gives the same fates for the same seed', async () => {
    const fates = async () => {
      const h = await hub({ loss: 0.4, dup: 0.4, minDelayMs: 0, maxDelayMs: 0 }, 99);
      const a = await join(h, 1);
      await join(h, 2);
      await until(() => h.connectedNodes().length === 2, 1000);
      for (let i = 0; i < 40; i++) a.send({ type: 'send', to: 2, msg: { kind: 'n', i } });
      await until(() => ofType(h, 'send').length === 40, 2000);
      return h.recorder.events.filter((e) => e.type === 'drop' || e.type === 'duplicate').map((e) => `${e.type}:${(e as { id: number }).id}`);
    };
    const first = await fates();
    expect(first.length).toBeGreaterThan(5);
    expect(await fates()).toEqual(first);
  });
});

/**
 * The network hub of a real cluster: a TCP server on 127.0.0.1 that every node process connects to.
 * It relays each Paxos message through the same {@link NetworkModel} the simulator uses (so the same
 * faults happen: loss, duplication, delay/reordering, partitions, cut links, down nodes), and records
 * everything that crosses it through a {@link TraceRecorder}. The wire protocol is
 * docs/wire-protocol.md; the frame types are in protocol.ts.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { NodeId, Value } from '@paxlab/sdk';
import { NetworkModel } from '../net/network-model.js';
import { Rng } from '../net/rng.js';
import type { ClientId, DropReason, NetworkConfig, Participant, UnstampedEvent, WireMessage } from '../trace/events.js';
import type { AnswerMessage, RequestMessage } from '../clients/messages.js';
import type { TraceRecorder } from '../trace/recorder.js';
import { encodeFrame, FrameDecoder, FrameWriter } from './framing.js';
import { WIRE_VERSION } from './protocol.js';
import type { ClientRequestFrame, HelloFrame, RejectFrame, WelcomeFrame } from './protocol.js';

export const HUB_HOST = '127.0.0.1';

export interface HubOptions {
  nodes: NodeId[];
  /** The per-cluster secret every node must present in its `hello`. */
  token: string;
  /** Seeds the network's fault decisions. */
  seed: number;
  recorder: TraceRecorder;
  network?: Partial<NetworkConfig>;
  /** Wall-clock epoch (ms, may be fractional) the trace's `t` and the nodes' `now()` count from. */
  t0?: number;
  /** A connection that has not said a valid `hello` by then is closed. */
  handshakeTimeoutMs?: number;
  /** Where answers for client sessions go once the network delivers them. */
  onClientAnswer?: (client: ClientId, from: NodeId, msg: AnswerMessage) => void;
  /**
   * Scripted mode (a pinned execution, electron/engine/pinned): every message is held by the gate
   * once its `send` is recorded, until the script releases it (`releaseHeld`), and the scripted
   * nodes' timer and step reports go to the gate.
   */
  gate?: HubGate;
}

/** A message copy the scripted hub holds. */
export interface HeldMessage {
  id: number;
  copy: number;
  from: Participant;
  to: Participant;
  msg: WireMessage;
}

/** What a scripted hub tells the script's driver. */
export interface HubGate {
  /** A message was sent (its `send` is recorded) and is held. */
  hold(m: HeldMessage): void;
  /** A scripted node armed or disarmed a timer, or finished handling a step. */
  nodeReport(node: NodeId, report: { type: 'timer-set' | 'timer-cancel'; name: string } | { type: 'handled' }): void;
  /** A node connected (said a valid hello). */
  connected?(node: NodeId): void;
  /** An answer was delivered to client `client` (the script hosts the client sessions). */
  answer?(client: ClientId, from: NodeId, msg: AnswerMessage): void;
}

/**
 * Emits `connected` (node) after a successful handshake and `disconnected` (node) when that node's
 * connection closes.
 */
export class Hub extends EventEmitter<{ connected: [NodeId]; disconnected: [NodeId] }> {
  readonly host = HUB_HOST;
  readonly model: NetworkModel;
  readonly t0: number;
  private readonly nodeSet: Set<NodeId>;
  private readonly rng: Rng;
  private readonly tokenBytes: Buffer;
  /** Each connected node's socket, and its deliver frames waiting for `flush`. */
  private readonly conns = new Map<NodeId, Peer>();
  /** Nodes that connected at least once: a message to one that is gone now was lost to a crash. */
  private readonly everConnected = new Set<NodeId>();
  private readonly sockets = new Set<net.Socket>();
  /** The peers whose outbox holds frames. */
  private readonly pending = new Set<Peer>();
  private flushScheduled = false;
  private nextMessageId = 1;
  private closed = false;
  private readonly clockOffset: number;
  /** The client session each client request came from: its answers go back to it over the network. */
  private readonly requestClient = new Map<string, ClientId>();

  private constructor(
    private readonly server: net.Server,
    private readonly opts: HubOptions,
  ) {
    super();
    this.nodeSet = new Set(opts.nodes);
    this.model = new NetworkModel(opts.network);
    this.rng = new Rng(opts.seed);
    this.tokenBytes = Buffer.from(opts.token);
    this.t0 = opts.t0 ?? performance.timeOrigin + performance.now();
    this.clockOffset = performance.timeOrigin - this.t0;
    server.on('connection', (socket) => this.onConnection(socket));
  }

  /** Start a hub on an ephemeral port of 127.0.0.1. */
  static listen(opts: HubOptions): Promise<Hub> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ noDelay: true });
      const hub = new Hub(server, opts);
      server.once('error', reject);
      server.listen({ host: HUB_HOST, port: 0, exclusive: true }, () => {
        server.off('error', reject);
        resolve(hub);
      });
    });
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get recorder(): TraceRecorder {
    return this.opts.recorder;
  }

  /** Milliseconds since the cluster started. */
  now(): number {
    return Math.round((performance.now() + this.clockOffset) * 1000) / 1000;
  }

  isConnected(node: NodeId): boolean {
    return this.conns.has(node);
  }

  connectedNodes(): NodeId[] {
    return [...this.conns.keys()].sort((a, b) => a - b);
  }

  /** Record an event stamped with the hub's clock. */
  record(event: DistributiveOmit<UnstampedEvent, 't'>): void {
    this.opts.recorder.recordOwned({ ...event, t: this.now() } as UnstampedEvent);
  }

  /** Hand a client request to `node`. Returns false (and records an error) if it is not connected. */
  clientRequest(node: NodeId, id: string, value: Value): boolean {
    // One time for the trace and the frame: the node's clock while it handles the request.
    const t = this.now();
    this.opts.recorder.recordOwned({ type: 'client-request', t, node, request: id, value });
    const socket = this.conns.get(node)?.socket;
    if (!socket) {
      this.record({ type: 'error', node, message: `client request ${id} not delivered: node ${node} is not running` });
      return false;
    }
    const frame: ClientRequestFrame = { type: 'client-request', request: { id, value }, t };
    // Deliveries recorded before this request must reach the node before it, as the trace says.
    this.flush();
    socket.write(encodeFrame(frame));
    return true;
  }

  /**
   * A client session's request to `node`: a message from the client, through the network model
   * like any other (loss, duplication, delay; a down node drops it). Answers to it go back to the
   * client the same way.
   */
  clientSend(client: ClientId, node: NodeId, msg: RequestMessage): void {
    this.requestClient.set(msg.request, client);
    this.routeMessage(client, node, msg as unknown as WireMessage);
  }

  partition(groups: NodeId[][]): void {
    this.model.partition(groups);
    this.record({ type: 'partition', groups: groups.map((g) => [...g]) });
  }

  heal(): void {
    this.model.heal();
    this.record({ type: 'heal' });
  }

  setLink(a: NodeId, b: NodeId, up: boolean): void {
    this.model.setLink(a, b, up);
    this.record({ type: 'link', a, b, up });
  }

  setNetwork(config: Partial<NetworkConfig>): NetworkConfig {
    const network = this.model.setConfig(config);
    this.record({ type: 'net', network: { ...network } });
    return network;
  }

  /** Mark `node` down (crashed or stopped): messages to it are dropped. */
  setDown(node: NodeId, down: boolean): void {
    this.model.setDown(node, down);
  }

  /** Close the connection of `node`, if any (its process is gone or going). */
  disconnect(node: NodeId): void {
    this.conns.get(node)?.socket.destroy();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  // ---- scripted mode (HubOptions.gate) ----

  /** Scripted: a message blocked now (down addressee, partition, cut link) is dropped; any other is held. */
  private holdOrDrop(id: number, from: Participant, to: Participant, msg: WireMessage, t: number): void {
    const blocked = this.model.blocked(from, to);
    if (blocked) this.opts.recorder.recordOwned({ type: 'drop', t, id, from, to, reason: blocked, copy: 0 });
    else this.opts.gate!.hold({ id, copy: 0, from, to, msg });
  }

  /**
   * Scripted: let a held copy go — delivered now (to a node: a deliver frame; to a client: its
   * session gets the answer), or dropped for `reason`. The script decides; the hub does not check.
   */
  releaseHeld(m: HeldMessage, fate: { deliver: true } | { deliver: false; reason: DropReason }): void {
    const { id, copy, from, to, msg } = m;
    if (!fate.deliver) return this.record({ type: 'drop', id, from, to, reason: fate.reason, copy });
    if (typeof from === 'number' && typeof to === 'number') this.deliver(id, from, to, copy, msg, JSON.stringify(msg), this.now(), false);
    else this.deliverClientMessage(id, from, to, copy, msg);
    this.scheduleFlush();
  }

  /** Scripted: the network makes copy `copy` of a held message (recorded as a `duplicate`). */
  duplicateHeld(m: HeldMessage, copy: number): void {
    this.record({ type: 'duplicate', id: m.id, from: m.from, to: m.to, copy });
  }

  /** Scripted: tell `node` to run its start-up handler. */
  boot(node: NodeId): boolean {
    return this.writeToNode(node, '{"type":"boot"}');
  }

  /** Scripted: fire `node`'s armed timer `name` (in order after the deliveries written before it). */
  fireTimer(node: NodeId, name: string): boolean {
    return this.writeToNode(node, JSON.stringify({ type: 'fire', name }));
  }

  private writeToNode(node: NodeId, json: string): boolean {
    const peer = this.conns.get(node);
    if (!peer) return false;
    peer.out.begin(json.length * 3);
    peer.out.text(json);
    peer.out.end();
    this.pending.add(peer);
    this.scheduleFlush();
    return true;
  }

  // ---- connections ----

  private onConnection(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    let node: NodeId | null = null;
    let rejected = false;
    const handshakeTimer = setTimeout(() => {
      if (node !== null) return;
      rejected = true;
      this.reject(socket, 'no hello frame in time');
    }, this.opts.handshakeTimeoutMs ?? 5000);
    const decoder = new FrameDecoder((frame, _text, chunk, start, end) => {
      if (rejected) return;
      if (node !== null) {
        try {
          this.onFrame(node, frame as Record<string, unknown>, chunk, start, end);
        } catch (err) {
          // A failing trace subscriber must not cost a node its connection or the rest of the chunk.
          this.record({ type: 'error', node, message: `hub failed on a frame from node ${node}: ${(err as Error).message}` });
        }
        return;
      }
      clearTimeout(handshakeTimer);
      const reason = this.checkHello(frame);
      if (reason) {
        rejected = true;
        this.reject(socket, reason);
        return;
      }
      node = (frame as HelloFrame).node;
      this.accept(node, socket);
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (err) {
        rejected = true;
        this.record({ type: 'error', ...(node !== null ? { node } : {}), message: `protocol error: ${(err as Error).message}` });
        socket.destroy();
      }
      this.scheduleFlush();
    });
    socket.on('error', () => {
      /* 'close' follows; a reset connection is a crash, reported by the supervisor */
    });
    socket.on('close', () => {
      clearTimeout(handshakeTimer);
      this.sockets.delete(socket);
      if (node === null) return;
      const peer = this.conns.get(node);
      if (peer?.socket === socket) {
        this.pending.delete(peer);
        this.conns.delete(node);
        this.emit('disconnected', node);
      }
    });
  }

  private checkHello(frame: unknown): string | null {
    const hello = frame as Partial<HelloFrame>;
    if (!hello || hello.type !== 'hello') return 'the first frame must be a hello';
    if (hello.version !== WIRE_VERSION) return `unsupported protocol version ${String(hello.version)} (hub speaks ${WIRE_VERSION})`;
    const token = Buffer.from(typeof hello.token === 'string' ? hello.token : '');
    if (token.length !== this.tokenBytes.length || !timingSafeEqual(token, this.tokenBytes)) return 'bad token';
    if (typeof hello.node !== 'number' || !this.nodeSet.has(hello.node)) return `unknown node id ${String(hello.node)}`;
    return null;
  }

  private reject(socket: net.Socket, reason: string): void {
    this.record({ type: 'error', message: `hub rejected a connection: ${reason}` });
    const frame: RejectFrame = { type: 'reject', reason };
    socket.end(encodeFrame(frame));
    // Do not wait for a peer that never reads.
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  private accept(node: NodeId, socket: net.Socket): void {
    // A restarted node may connect before the hub noticed its old connection died: the new one wins.
    const old = this.conns.get(node);
    if (old && old.socket !== socket) {
      this.pending.delete(old);
      old.socket.destroy();
    }
    // Deliver frames start at this outbox; whatever the old connection had queued is lost with it.
    this.conns.set(node, { socket, out: new FrameWriter() });
    this.everConnected.add(node);
    // Whoever holds the token and says hello is up, whatever the supervisor marked before.
    this.model.setDown(node, false);
    const welcome: WelcomeFrame = { type: 'welcome', node, nodes: [...this.opts.nodes], t0: this.t0 };
    socket.write(encodeFrame(welcome));
    this.emit('connected', node);
    this.opts.gate?.connected?.(node);
  }

  // ---- frames from nodes ----

  /** One frame from `node`, decoded, and where its bytes are (`chunk[start..end)`). */
  private onFrame(node: NodeId, frame: Record<string, unknown>, chunk: Buffer, start: number, end: number): void {
    switch (frame.type) {
      case 'send':
        return this.relay(node, frame.to, frame.msg, frame, chunk, start, end);
      case 'decide':
        if (typeof frame.value !== 'string') return this.badFrame(node, 'decide.value must be a string');
        return this.record({ type: 'decide', node, value: frame.value, slot: typeof frame.slot === 'number' ? frame.slot : 0 });
      case 'reply':
        if (typeof frame.request !== 'string' || typeof frame.result !== 'string') {
          return this.badFrame(node, 'reply needs string request and result');
        }
        return this.answer(node, { kind: 'reply', request: frame.request, result: frame.result });
      case 'redirect':
        if (typeof frame.request !== 'string' || typeof frame.to !== 'number' || !this.nodeSet.has(frame.to)) {
          return this.badFrame(node, 'redirect needs a string request and a node id to');
        }
        return this.answer(node, { kind: 'redirect', request: frame.request, leader: frame.to });
      case 'refuse':
        if (typeof frame.request !== 'string' || typeof frame.reason !== 'string') {
          return this.badFrame(node, 'refuse needs string request and reason');
        }
        return this.answer(node, { kind: 'reject', request: frame.request, reason: frame.reason });
      case 'started':
        if (typeof frame.at !== 'number') return this.badFrame(node, 'started needs a number at');
        return this.record({ type: 'start', node, at: frame.at });
      case 'log':
        return this.record({ type: 'log', node, text: String(frame.text) });
      case 'error':
        return this.record({ type: 'error', node, message: String(frame.message) });
      case 'timer-set':
      case 'timer-cancel':
        if (typeof frame.name !== 'string') return this.badFrame(node, `${frame.type} needs a string name`);
        return this.opts.gate?.nodeReport(node, { type: frame.type, name: frame.name });
      case 'handled':
        return this.opts.gate?.nodeReport(node, { type: 'handled' });
      case 'timer':
        return this.record({
          type: 'timer',
          node,
          name: String(frame.name),
          ...(typeof frame.after === 'number' ? { after: frame.after } : {}),
          ...(typeof frame.at === 'number' ? { at: frame.at } : {}),
        });
      default:
        return this.badFrame(node, `unknown frame type ${JSON.stringify(frame.type)}`);
    }
  }

  /**
   * A node answered a request: over the network to the client session it came from; for a request
   * handed to the node directly, a `client-reply` (a redirect or a refusal has nobody to act on it:
   * a log line).
   */
  private answer(node: NodeId, msg: AnswerMessage): void {
    const client = this.requestClient.get(msg.request);
    if (client !== undefined) return this.routeMessage(node, client, msg as unknown as WireMessage);
    if (msg.kind === 'reply') return this.record({ type: 'client-reply', node, request: msg.request, result: msg.result });
    this.record({ type: 'log', node, text: msg.kind === 'redirect' ? `redirect ${msg.request} to node ${msg.leader}` : `reject ${msg.request}: ${msg.reason}` });
  }

  /** A message to or from a client: the same fates as the nodes' messages, off the hot path. */
  private routeMessage(from: Participant, to: Participant, msg: WireMessage): void {
    const id = this.nextMessageId++;
    const recorder = this.opts.recorder;
    const t = this.now();
    recorder.recordOwned({ type: 'send', t, id, from, to, msg });
    if (this.opts.gate) return this.holdOrDrop(id, from, to, msg, t);
    const minDelay = this.model.config.minDelayMs;
    for (const fate of this.model.route(from, to, this.rng)) {
      const copy = fate.copy;
      if (copy > 0) recorder.recordOwned({ type: 'duplicate', t, id, from, to, copy });
      if (!fate.deliver) {
        recorder.recordOwned({ type: 'drop', t, id, from, to, reason: fate.reason, copy });
        continue;
      }
      if (fate.delayMs > minDelay) recorder.recordOwned({ type: 'delay', t, id, from, to, copy, ms: fate.delayMs });
      const arrive = () => {
        try {
          this.deliverClientMessage(id, from, to, copy, msg);
        } catch (err) {
          this.record({ type: 'error', message: `hub failed delivering message ${id}: ${(err as Error).message}` });
        }
        this.scheduleFlush();
      };
      if (fate.delayMs <= 0) arrive();
      else setTimeout(arrive, fate.delayMs);
    }
  }

  private deliverClientMessage(id: number, from: Participant, to: Participant, copy: number, msg: WireMessage): void {
    if (this.closed) return;
    const recorder = this.opts.recorder;
    const t = this.now();
    const blockedBy = this.model.blocked(from, to);
    if (typeof to === 'string') {
      if (blockedBy) return void recorder.recordOwned({ type: 'drop', t, id, from, to, reason: blockedBy, copy });
      recorder.recordOwned({ type: 'deliver', t, id, from, to, msg, copy });
      if (typeof from === 'number') {
        this.opts.onClientAnswer?.(to, from, msg as unknown as AnswerMessage);
        this.opts.gate?.answer?.(to, from, msg as unknown as AnswerMessage);
      }
      return;
    }
    const peer = this.conns.get(to);
    if (blockedBy || !peer) {
      const reason = blockedBy ?? (this.everConnected.has(to) ? 'crashed' : 'down');
      return void recorder.recordOwned({ type: 'drop', t, id, from, to, reason, copy });
    }
    recorder.recordOwned({ type: 'deliver', t, id, from, to, msg, copy });
    const m = msg as unknown as RequestMessage;
    const frame: ClientRequestFrame = { type: 'client-request', request: { id: m.request, value: m.value, client: m.client, seq: m.seq }, t };
    // Through the node's outbox, so it reaches the node in the trace's order among its deliveries.
    const json = JSON.stringify(frame);
    peer.out.begin(json.length * 3);
    peer.out.text(json);
    peer.out.end();
    this.pending.add(peer);
  }

  private badFrame(node: NodeId, why: string): void {
    this.record({ type: 'error', node, message: `bad frame from node ${node}: ${why}` });
  }

  /** The hot path: one message in, its fates decided, each copy delivered after its delay. */
  private relay(from: NodeId, to: unknown, msg: unknown, frame: object, chunk: Buffer, start: number, end: number): void {
    if (typeof to !== 'number' || !this.nodeSet.has(to)) return this.badFrame(from, `send to unknown node ${String(to)}`);
    if (!msg || typeof msg !== 'object' || typeof (msg as WireMessage).kind !== 'string') {
      return this.badFrame(from, 'send.msg must be an object with a string kind');
    }
    const id = this.nextMessageId++;
    // recordOwned: these event objects are fresh and never touched again, so they need no copy.
    const recorder = this.opts.recorder;
    const t = this.now();
    // Where the message's JSON is in the frame: its bytes are copied into deliver frames as they
    // are (the ASCII prefix before it has as many bytes as characters).
    const at = messageAt(frame, to, chunk, start);
    const verbatim = at > 0 ? { chunk, start: start + at, end: end - 1 } : null;
    recorder.recordOwned({ type: 'send', t, id, from, to, msg: msg as WireMessage, seq: 0, lc: 0 });
    if (this.opts.gate) return this.holdOrDrop(id, from, to, msg as WireMessage, t);
    const fates = this.model.route(from, to, this.rng);
    const minDelay = this.model.config.minDelayMs;
    for (const fate of fates) {
      const copy = fate.copy;
      if (copy > 0) recorder.recordOwned({ type: 'duplicate', t, id, from, to, copy });
      if (!fate.deliver) {
        recorder.recordOwned({ type: 'drop', t, id, from, to, reason: fate.reason, copy });
        continue;
      }
      const ms = fate.delayMs;
      // Only a delay beyond the configured minimum is a fault worth a trace line (it reorders).
      if (ms > minDelay) recorder.recordOwned({ type: 'delay', t, id, from, to, copy, ms });
      // Without a delay the network cannot have changed since route(): no second check needed, and
      // the message's bytes are still at hand.
      if (ms <= 0) this.deliver(id, from, to, copy, msg as WireMessage, verbatim ?? JSON.stringify(msg), t, false);
      else {
        // The chunk is gone by then: keep the message's text.
        const msgJson = at > 0 ? chunk.toString('utf8', start + at, end - 1) : JSON.stringify(msg);
        setTimeout(() => this.deliverLater(id, from, to, copy, msg as WireMessage, msgJson), ms);
      }
    }
  }

  private deliverLater(id: number, from: NodeId, to: NodeId, copy: number, msg: WireMessage, msgJson: string): void {
    try {
      this.deliver(id, from, to, copy, msg, msgJson, this.now(), true);
    } catch (err) {
      // Runs from a timer: an exception here (a failing trace subscriber) would end the process.
      try {
        this.record({ type: 'error', message: `hub failed delivering message ${id}: ${(err as Error).message}` });
      } catch {
        /* the subscriber fails again: nothing more to do */
      }
    }
    this.scheduleFlush();
  }

  /** `msgJson` is the message's JSON, as text or where its bytes are. */
  private deliver(id: number, from: NodeId, to: NodeId, copy: number, msg: WireMessage, msgJson: string | MessageBytes, t: number, recheck: boolean): void {
    if (this.closed) return;
    const recorder = this.opts.recorder;
    // The network may have changed while the copy was in flight (partition, cut link, crash).
    const blockedBy = recheck ? this.model.blocked(from, to) : null;
    const peer = this.conns.get(to);
    if (blockedBy || !peer) {
      // No connection: the addressee crashed, or (at start-up) has not connected yet.
      const reason = blockedBy ?? (this.everConnected.has(to) ? 'crashed' : 'down');
      recorder.recordOwned({ type: 'drop', t, id, from, to, reason, copy });
      return;
    }
    recorder.recordOwned({ type: 'deliver', t, id, from, to, msg, copy, seq: 0, lc: 0 });
    const out = peer.out;
    // {"type":"deliver","id":<id>,"from":<from>,"copy":<copy>,"t":<t>,"msg":<msg>}
    const text = typeof msgJson === 'string';
    out.begin(DELIVER_FRAME_BYTES + (text ? msgJson.length * 3 : msgJson.end - msgJson.start));
    out.bytes(DELIVER_ID);
    out.int(id);
    out.bytes(DELIVER_FROM);
    out.int(from);
    out.bytes(DELIVER_COPY);
    out.int(copy);
    out.bytes(DELIVER_T);
    out.text(String(t));
    out.bytes(DELIVER_MSG);
    if (text) out.text(msgJson);
    else out.bytes(msgJson.chunk, msgJson.start, msgJson.end);
    out.bytes(CLOSE_BRACE);
    out.end();
    this.pending.add(peer);
  }

  /**
   * Flush once the event loop has read every socket that was ready: the learns of several acceptors
   * that arrive together then leave for each learner in one write (one syscall, one wake-up of the
   * learner) instead of one each.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.pending.size === 0) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Write every queued deliver frame, one buffer per socket. */
  private flush(): void {
    if (this.pending.size === 0) return;
    for (const { socket, out } of this.pending) {
      const frames = out.take();
      if (!socket.destroyed) socket.write(frames);
    }
    this.pending.clear();
  }
}

interface Peer {
  socket: net.Socket;
  out: FrameWriter;
}

// The constant pieces of a deliver frame, and room for its three integers.
const DELIVER_ID = Buffer.from('{"type":"deliver","id":');
const DELIVER_FROM = Buffer.from(',"from":');
const DELIVER_COPY = Buffer.from(',"copy":');
const DELIVER_T = Buffer.from(',"t":');
const DELIVER_MSG = Buffer.from(',"msg":');
const CLOSE_BRACE = Buffer.from('}');
const DELIVER_FRAME_BYTES = DELIVER_ID.length + DELIVER_FROM.length + DELIVER_COPY.length + DELIVER_T.length + DELIVER_MSG.length + 1 + 4 * 24;

/** Where a message's JSON bytes are in the chunk the hub read. */
interface MessageBytes {
  chunk: Buffer;
  start: number;
  end: number;
}

/** `{"type":"send","to":<to>,"msg":` per addressee. */
const sendPrefixes: Buffer[] = [];

/**
 * Where a send frame's `msg` starts in its bytes (`chunk` from `start`), or 0 when it is not there
 * verbatim. Nodes that write compact JSON with `msg` last (ours do) have it at the end of the frame:
 * the hub reuses those bytes rather than encode the message again.
 */
function messageAt(frame: object, to: number, chunk: Buffer, start: number): number {
  let keys = 0;
  for (const _ in frame) keys++;
  if (keys !== 3) return 0;
  const prefix = (sendPrefixes[to] ??= Buffer.from(`{"type":"send","to":${to},"msg":`));
  if (chunk.length - start < prefix.length) return 0;
  for (let i = 0; i < prefix.length; i++) if (chunk[start + i] !== prefix[i]) return 0;
  return prefix.length;
}

/** Omit that distributes over a union (the built-in one collapses it). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The control plane between the supervisor and its node processes, over node-ipc (a Unix socket, or
 * a named pipe on Windows). This is the ONLY module that imports node-ipc. The socket lives in a
 * private folder (mode 0700) made per cluster, so no other local user can reach it.
 *
 * Messages are small typed objects carried as one node-ipc event named {@link EVENT}.
 */
import { rmSync } from 'node:fs';
import { ownedTempDir } from '../temp/owned-temp-dir.js';
import path from 'node:path';
import type { Socket } from 'node:net';
import { IPCModule } from 'node-ipc';
import type { NodeId } from '@paxlab/sdk';

const EVENT = 'paxlab';
const APPSPACE = 'paxlab.';
const SERVER_ID = 'supervisor';

/** What a node needs to find the supervisor's control socket (passed to it in its config). */
export interface ControlAddress {
  socketRoot: string;
  appspace: string;
  serverId: string;
}

/** Supervisor → node. */
export type ToNode =
  | { type: 'start' }
  | { type: 'stop' }
  /** Exit at once, as if killed: nothing is flushed. */
  | { type: 'crash' }
  | { type: 'snapshot'; req: number };

/** What a node reports about itself for the inspector. */
export interface NodeSnapshot {
  node: NodeId;
  pid: number;
  /** `PaxosNode.snapshot()`, or null when the node class has none (or is not started). */
  state: unknown;
  /** The node's stable storage as last saved, or null. */
  storage: unknown;
  /** Armed timers and when they fire (ms since cluster start). */
  timers: Record<string, number>;
}

/** Node → supervisor. */
export type FromNode =
  | { type: 'hello'; node: NodeId; pid: number }
  /** The node is connected to the hub and its PaxosNode ran onStart. */
  | { type: 'started'; node: NodeId }
  | { type: 'heartbeat'; node: NodeId }
  | { type: 'snapshot'; node: NodeId; req: number; snapshot: NodeSnapshot }
  | { type: 'log'; node: NodeId; text: string }
  /** The node cannot run (bad module, hub unreachable) and is about to exit. */
  | { type: 'fatal'; node: NodeId; message: string };

function quiet(ipc: IPCModule, id: string, socketRoot: string): void {
  ipc.config.id = id;
  ipc.config.appspace = APPSPACE;
  ipc.config.socketRoot = socketRoot.endsWith(path.sep) ? socketRoot : socketRoot + path.sep;
  ipc.config.silent = true;
  ipc.config.logger = () => {};
}

/** The supervisor's end: one server, many nodes. */
export class ControlServer {
  private readonly byNode = new Map<NodeId, Socket>();
  private closed = false;

  private constructor(
    private readonly ipc: IPCModule,
    readonly address: ControlAddress,
    onMessage: (msg: FromNode) => void,
    private readonly onDisconnect: (node: NodeId) => void,
  ) {
    ipc.server.on(EVENT, (data: FromNode, socket: Socket) => {
      if (data?.type === 'hello') this.bind(data.node, socket);
      onMessage(data);
    });
    ipc.server.on('error', () => {
      /* a node's socket failed: its 'close' (below) reports it */
    });
  }

  /** Make the private socket folder and start listening; resolves once it accepts connections. */
  static open(handlers: { onMessage: (msg: FromNode) => void; onDisconnect: (node: NodeId) => void }): Promise<ControlServer> {
    const socketRoot = ownedTempDir('paxlab-ctl-');
    const ipc = new IPCModule();
    quiet(ipc, SERVER_ID, socketRoot);
    const address: ControlAddress = { socketRoot, appspace: APPSPACE, serverId: SERVER_ID };
    return new Promise((resolve, reject) => {
      ipc.serve(() => resolve(server));
      const server = new ControlServer(ipc, address, handlers.onMessage, handlers.onDisconnect);
      ipc.server.on('error', (err: Error) => {
        rmSync(socketRoot, { recursive: true, force: true });
        reject(err);
      });
      ipc.server.start();
    });
  }

  send(node: NodeId, msg: ToNode): boolean {
    const socket = this.byNode.get(node);
    if (!socket || socket.destroyed) return false;
    this.ipc.server.emit(socket, EVENT, msg);
    return true;
  }

  isConnected(node: NodeId): boolean {
    return this.byNode.has(node);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.byNode.values()) s.destroy();
    this.byNode.clear();
    try {
      this.ipc.server.stop();
    } catch {
      /* never started */
    }
    rmSync(this.address.socketRoot, { recursive: true, force: true });
  }

  private bind(node: NodeId, socket: Socket): void {
    const old = this.byNode.get(node);
    if (old && old !== socket) old.destroy();
    this.byNode.set(node, socket);
    socket.once('close', () => {
      if (this.byNode.get(node) !== socket) return;
      this.byNode.delete(node);
      if (!this.closed) this.onDisconnect(node);
    });
  }
}

/** A node's end. `onLost` runs when an established connection closes: the supervisor is gone. */
export class ControlClient {
  private connected = false;
  private readonly queue: FromNode[] = [];
  private onConnected: Array<() => void> = [];

  constructor(
    private readonly address: ControlAddress,
    private readonly node: NodeId,
    handlers: { onMessage: (msg: ToNode) => void; onLost: () => void },
    private readonly ipc = new IPCModule(),
  ) {
    quiet(ipc, `node-${node}`, address.socketRoot);
    // The server listens before any node is spawned, so the first attempt succeeds; retry briefly
    // and quickly anyway, never with node-ipc's default half-second pause.
    ipc.config.retry = 20;
    ipc.config.maxRetries = 50;
    ipc.connectTo(address.serverId, () => {
      const conn = ipc.of[address.serverId];
      conn.on('connect', () => {
        this.connected = true;
        for (const m of this.queue.splice(0)) conn.emit(EVENT, m);
        for (const f of this.onConnected.splice(0)) f();
      });
      conn.on(EVENT, (msg: ToNode) => handlers.onMessage(msg));
      conn.on('disconnect', () => {
        if (this.connected) handlers.onLost();
      });
      conn.on('destroy', () => handlers.onLost());
      conn.on('error', () => {
        /* followed by disconnect */
      });
    });
  }

  send(msg: FromNode): void {
    if (!this.connected) {
      this.queue.push(msg);
      return;
    }
    this.ipc.of[this.address.serverId]?.emit(EVENT, msg);
  }

  /** Resolves once connected (queued messages written), or after `timeoutMs` regardless. */
  whenConnected(timeoutMs: number): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => {
      this.onConnected.push(resolve);
      setTimeout(resolve, timeoutMs).unref();
    });
  }

  close(): void {
    this.connected = false;
    this.ipc.disconnect(this.address.serverId);
  }
}

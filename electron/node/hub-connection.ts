/** The node's data-plane connection to the hub: handshake, then frames both ways. */
import net from 'node:net';
import type { NodeId } from '@paxlab/sdk';
import { encodeFrame, encodeJsonFrame, FrameDecoder, FrameWriter } from '../engine/cluster/framing.js';
import { WIRE_VERSION } from '../engine/cluster/protocol.js';
import type { HubFrame, NodeFrame, WelcomeFrame } from '../engine/cluster/protocol.js';
import type { NodeProcessConfig } from '../engine/cluster/node-config.js';

export class HubConnection {
  /** Frames that came before a handler was set (right after the welcome): kept, not lost. */
  private early: HubFrame[] | null = [];
  private frameHandler: (frame: HubFrame) => void = (frame) => this.early?.push(frame);
  /** Frames written inside `batch`, sent together when the outermost batch ends. */
  private readonly out = new FrameWriter(1024);
  private batchDepth = 0;

  private constructor(
    private readonly socket: net.Socket,
    readonly welcome: WelcomeFrame,
  ) {}

  /** Connect and say hello; resolves with the connection once the hub welcomed this node. */
  static connect(cfg: NodeProcessConfig): Promise<HubConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: cfg.hub.host, port: cfg.hub.port, noDelay: true });
      let conn: HubConnection | null = null;
      const decoder = new FrameDecoder((raw) => {
        const frame = raw as HubFrame;
        if (conn) return conn.frameHandler(frame);
        if (frame.type === 'welcome') {
          conn = new HubConnection(socket, frame);
          resolve(conn);
        } else if (frame.type === 'reject') {
          reject(new Error(`the hub rejected this node: ${frame.reason}`));
          socket.destroy();
        }
      });
      const push = (chunk: Buffer) => decoder.push(chunk);
      socket.on('data', (chunk: Buffer) => {
        try {
          // What the handlers of one chunk's frames send leaves in one write.
          if (conn) conn.batch(() => push(chunk));
          else push(chunk);
        } catch (err) {
          socket.destroy(err as Error);
        }
      });
      socket.once('error', (err) => {
        if (!conn) reject(new Error(`cannot reach the hub at ${cfg.hub.host}:${cfg.hub.port}: ${err.message}`));
      });
      socket.once('close', () => {
        if (!conn) reject(new Error('the hub closed the connection during the handshake'));
      });
      socket.write(encodeFrame({ type: 'hello', version: WIRE_VERSION, token: cfg.token, node: cfg.node, pid: process.pid } satisfies NodeFrame));
    });
  }

  /** Handle every frame from now on, starting with those that arrived before this call. */
  onFrame(handler: (frame: HubFrame) => void): void {
    this.frameHandler = handler;
    const early = this.early ?? [];
    this.early = null;
    if (early.length) this.batch(() => early.forEach(handler));
  }

  onClose(handler: () => void): void {
    this.socket.once('close', handler);
  }

  send(frame: NodeFrame): void {
    this.sendJson(JSON.stringify(frame));
  }

  /**
   * A `send` frame for message `msgJson` (the message's JSON text) to `to`, written as the hub reads
   * it fastest: compact, `msg` last. A broadcast serializes its message once for all addressees.
   */
  sendMessage(to: NodeId, msgJson: string): void {
    this.sendJson(`{"type":"send","to":${to},"msg":${msgJson}}`);
  }

  /** Run `fn` with writes coalesced: a handler's frames leave in one buffer, one syscall. */
  batch(fn: () => void): void {
    this.batchDepth++;
    try {
      fn();
    } finally {
      if (--this.batchDepth === 0 && !this.out.empty) {
        const frames = this.out.take();
        if (!this.socket.destroyed) this.socket.write(frames);
      }
    }
  }

  /** Close after flushing what was written. */
  end(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.end(() => resolve());
      setTimeout(resolve, 200).unref();
    });
  }

  private sendJson(json: string): void {
    if (this.socket.destroyed) return;
    if (this.batchDepth === 0) {
      this.socket.write(encodeJsonFrame(json));
      return;
    }
    this.out.begin(json.length * 3);
    this.out.text(json);
    this.out.end();
  }
}

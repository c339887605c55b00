/** The node's data-plane connection to the hub: handshake, then frames both ways. */
import net from 'node:net';
import { encodeFrame, FrameDecoder } from '../engine/cluster/framing.js';
import { WIRE_VERSION } from '../engine/cluster/protocol.js';
import type { HubFrame, NodeFrame, WelcomeFrame } from '../engine/cluster/protocol.js';
import type { NodeProcessConfig } from '../engine/cluster/node-config.js';

export class HubConnection {
  private frameHandler: (frame: HubFrame) => void = () => {};

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
      socket.on('data', (chunk: Buffer) => {
        try {
          decoder.push(chunk);
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

  onFrame(handler: (frame: HubFrame) => void): void {
    this.frameHandler = handler;
  }

  onClose(handler: () => void): void {
    this.socket.once('close', handler);
  }

  send(frame: NodeFrame): void {
    if (!this.socket.destroyed) this.socket.write(encodeFrame(frame));
  }

  /** Run `fn` with writes coalesced: a handler's sends leave in one syscall. */
  batch(fn: () => void): void {
    this.socket.cork();
    try {
      fn();
    } finally {
      this.socket.uncork();
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
}

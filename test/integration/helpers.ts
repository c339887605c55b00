// Shared by the integration tests: process liveness and the raw wire protocol of a node.
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { encodeFrame, FrameDecoder } from '../../electron/engine/cluster/framing.js';

/** True while `pid` is a running process (a zombie counts as dead: it has exited). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no procfs: trust kill(0)
  }
}

export async function until(cond: () => boolean, timeoutMs: number, stepMs = 20): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}

/** A node speaking the wire protocol by hand, as a foreign (Go, Python) node would. */
export class RawNode {
  readonly frames: Array<Record<string, unknown>> = [];
  closed = false;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    const decoder = new FrameDecoder((f) => {
      this.frames.push(f as Record<string, unknown>);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('data', (c: Buffer) => decoder.push(c));
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawNode> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port }, () => resolve(new RawNode(s)));
      s.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.socket.write(encodeFrame(frame));
  }

  /** The first frame (already received or coming) that matches, or null after `timeoutMs`. */
  async next(match: (f: Record<string, unknown>) => boolean, timeoutMs = 2000): Promise<Record<string, unknown> | null> {
    const end = performance.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      const left = end - performance.now();
      if (left <= 0 || this.closed) return null;
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

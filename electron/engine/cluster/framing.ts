/**
 * Length-delimited JSON frames, the framing of the node↔hub data plane (docs/wire-protocol.md):
 * a 4-byte big-endian byte length, then that many bytes of UTF-8 JSON (one object).
 */

/** Frames larger than this are a protocol error: no Paxos message is anywhere near it. */
export const MAX_FRAME_BYTES = 1 << 20;

/** Encode one object as a frame, header and body in one buffer (one write, one syscall). */
export function encodeFrame(value: unknown): Buffer {
  return encodeJsonFrame(JSON.stringify(value));
}

/** Encode an already serialized JSON text as a frame. */
export function encodeJsonFrame(json: string): Buffer {
  const length = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(4 + length);
  frame.writeUInt32BE(length, 0);
  frame.write(json, 4);
  return frame;
}

/**
 * Builds a burst of frames in one buffer, for one write. A frame is written in pieces — constant
 * bytes, integers, text, or bytes copied from a buffer the caller holds: the hub's deliver frames
 * wrap a message whose bytes it already has, so they are copied, never decoded and encoded again.
 *
 *     w.begin(maxBytes); w.bytes(HEAD); w.int(17); w.bytes(chunk, from, to); w.end();
 */
export class FrameWriter {
  private buf: Buffer | null = null;
  private at = 0;
  private frameStart = -1;
  /** Size of the next buffer: what the last burst needed, so a steady stream allocates once per burst. */
  private nextBytes: number;

  constructor(initialBytes = 4096) {
    this.nextBytes = initialBytes;
  }

  get empty(): boolean {
    return this.at === 0;
  }

  /** Start a frame of at most `maxBytes` bytes of JSON. */
  begin(maxBytes: number): void {
    this.reserve(4 + maxBytes);
    this.frameStart = this.at;
    this.at += 4;
  }

  /** Copy `src[from..to)`. */
  bytes(src: Buffer, from = 0, to = src.length): void {
    const buf = this.buf!;
    if (to - from > 64) {
      this.at += src.copy(buf, this.at, from, to);
      return;
    }
    // A short piece: a plain loop costs less than Buffer#copy's argument checks.
    let at = this.at;
    for (let i = from; i < to; i++) buf[at++] = src[i];
    this.at = at;
  }

  /** A non-negative integer in decimal. */
  int(n: number): void {
    const buf = this.buf!;
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    for (let i = this.at + digits - 1, x = n; i >= this.at; i--, x = Math.floor(x / 10)) buf[i] = 48 + (x % 10);
    this.at += digits;
  }

  /** Text as UTF-8 (at most 3 bytes per UTF-16 unit: count that in `begin`). */
  text(s: string): void {
    this.at += this.buf!.write(s, this.at, 'utf8');
  }

  /** Close the frame begun last: its length goes in front. */
  end(): void {
    this.buf!.writeUInt32BE(this.at - this.frameStart - 4, this.frameStart);
    this.frameStart = -1;
  }

  /** The frames written so far, in a buffer of their own (the socket may hold it until sent). */
  take(): Buffer {
    const out = this.buf ? this.buf.subarray(0, this.at) : Buffer.alloc(0);
    this.buf = null;
    this.at = 0;
    return out;
  }

  private reserve(bytes: number): void {
    const need = this.at + bytes;
    if (this.buf && need <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.nextBytes, need, (this.buf?.length ?? 0) * 2));
    if (this.buf) this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
    this.nextBytes = bigger.length;
  }
}

export class FrameError extends Error {}

/**
 * Splits a byte stream into decoded JSON frames. Feed it every chunk; it calls `onFrame` for each
 * complete frame in order. Throws {@link FrameError} on an oversized frame or invalid JSON, after
 * which the stream is unusable (the caller closes the connection).
 */
export class FrameDecoder {
  private pending: Buffer | null = null;

  constructor(
    /**
     * Gets each frame decoded, its JSON text, and where its bytes are: `chunk[start..end)` (the
     * hub copies them instead of encoding again; valid during the call only).
     */
    private readonly onFrame: (frame: unknown, text: string, chunk: Buffer, start: number, end: number) => void,
    private readonly maxBytes = MAX_FRAME_BYTES,
  ) {}

  push(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= 4) {
      const length = buf.readUInt32BE(at);
      if (length > this.maxBytes) throw new FrameError(`frame of ${length} bytes exceeds the limit of ${this.maxBytes}`);
      if (buf.length - at - 4 < length) break;
      const start = at + 4;
      at = start + length;
      const text = buf.toString('utf8', start, at);
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        throw new FrameError(`frame is not valid JSON: ${text.slice(0, 80)}`);
      }
      this.onFrame(frame, text, buf, start, at);
    }
    // Keep only the unread tail; copy it so a small remainder does not pin a large chunk.
    this.pending = at === buf.length ? null : Buffer.from(buf.subarray(at));
  }
}

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

/** Encode several JSON texts as consecutive frames in one buffer. */
export function encodeJsonFrames(jsons: readonly string[]): Buffer {
  let total = 0;
  const lengths = new Array<number>(jsons.length);
  for (let i = 0; i < jsons.length; i++) total += 4 + (lengths[i] = Buffer.byteLength(jsons[i]));
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < jsons.length; i++) {
    out.writeUInt32BE(lengths[i], at);
    out.write(jsons[i], at + 4);
    at += 4 + lengths[i];
  }
  return out;
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
    /** Gets each frame decoded, and its JSON text (which the hub reuses instead of re-encoding). */
    private readonly onFrame: (frame: unknown, text: string) => void,
    private readonly maxBytes = MAX_FRAME_BYTES,
  ) {}

  push(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= 4) {
      const length = buf.readUInt32BE(at);
      if (length > this.maxBytes) throw new FrameError(`frame of ${length} bytes exceeds the limit of ${this.maxBytes}`);
      if (buf.length - at - 4 < length) break;
      const text = buf.toString('utf8', at + 4, at + 4 + length);
      at += 4 + length;
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        throw new FrameError(`frame is not valid JSON: ${text.slice(0, 80)}`);
      }
      this.onFrame(frame, text);
    }
    // Keep only the unread tail; copy it so a small remainder does not pin a large chunk.
    this.pending = at === buf.length ? null : Buffer.from(buf.subarray(at));
  }
}

/**
 * Stack traces from the sandbox point into the bundle; this maps each frame back to the student's
 * own file, line and column with the bundle's source map, and drops the harness's frames.
 */
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import path from 'node:path';
import { sdkEntry } from '../labs/paths.js';

export type StackMapper = (stack: string | undefined) => string | undefined;

export function createStackMapper(bundlePath: string, sourceMap: string, root: string): StackMapper {
  const map = new TraceMap(sourceMap);
  const sdkDir = path.dirname(sdkEntry());
  const display = (source: string) => {
    const abs = path.resolve(root, source);
    const rel = path.relative(root, abs);
    if (!rel.startsWith('..')) return rel.split(path.sep).join('/');
    const relSdk = path.relative(sdkDir, abs);
    if (!relSdk.startsWith('..')) return `@paxlab/sdk/${relSdk.split(path.sep).join('/')}`;
    return abs;
  };
  const bundleName = path.basename(bundlePath);
  const frame = new RegExp(`(?:file://)?[^\\s()]*${bundleName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+)`);
  return (stack) => {
    if (!stack) return stack;
    const out: string[] = [];
    for (const line of stack.split('\n')) {
      if (!/^\s+at /.test(line)) {
        out.push(line);
        continue;
      }
      const m = frame.exec(line);
      if (!m) continue; // the sandbox's own frames and Node internals say nothing to a student
      const pos = originalPositionFor(map, { line: Number(m[1]), column: Number(m[2]) - 1 });
      if (!pos.source) continue;
      out.push(line.replace(m[0], `${display(pos.source)}:${pos.line}:${pos.column + 1}`));
    }
    return out.join('\n');
  };
}

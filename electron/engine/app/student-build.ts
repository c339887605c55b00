import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildStudentModule } from '../build/index.js';
import { loadLab } from '../labs/index.js';
import type { BuildOutcome, BuildPort } from './ports.js';

/**
 * Builds a lab's student module with the engine's builder and keeps the latest bundle per lab in a
 * private temp folder, so cluster nodes can load it as a file.
 */
export class StudentBuilder implements BuildPort {
  private dir: string | null = null;

  async build(labId: string, entryPath: string): Promise<BuildOutcome> {
    const pack = await loadLab(labId);
    // A whole-node lab (a chapter) exports its node class; a role lab its role's class.
    const exportName = pack.kind === 'node' ? (pack.nodeManifest?.export ?? 'Node') : pack.role.exportName;
    const out = await buildStudentModule(entryPath, { exportName });
    const diagnostics = out.diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, severity: d.severity, message: d.message, source: d.source }));
    if (!out.ok) return { ok: false, diagnostics };
    this.dir ??= mkdtempSync(path.join(os.tmpdir(), 'paxlab-bundles-'));
    const bundlePath = path.join(this.dir, `${labId}-${Date.now()}.js`);
    writeFileSync(bundlePath, out.code);
    return { ok: true, diagnostics, bundlePath };
  }

  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

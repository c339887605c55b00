/** Binds the app service's ports to the real engine. */
import path from 'node:path';
import { parseTrace, serializeTrace } from '../trace/io.js';
import { paxlabRoot } from '../labs/paths.js';
import { engineClusters, type NodeCommand } from './cluster-adapter.js';
import { engineGrader } from './grade-adapter.js';
import { engineLabs } from './lab-files.js';
import type { EnginePorts } from './ports.js';
import { sdkTypeFiles } from './sdk-types.js';
import { StudentBuilder } from './student-build.js';
import { historyReport, replayView } from './history-view.js';
import { engineCourse } from './course-engine.js';

export interface EnginePortOptions {
  /** How node processes are started (Electron: its own binary with ELECTRON_RUN_AS_NODE=1). */
  nodeCommand?: NodeCommand;
}

export function createEnginePorts(opts: EnginePortOptions = {}): EnginePorts {
  // The SDK does not change while the app runs; emitting its declarations loads TypeScript once.
  let sdkTypes: ReturnType<typeof sdkTypeFiles> | null = null;
  return {
    labs: engineLabs,
    build: new StudentBuilder(),
    grade: engineGrader(),
    cluster: engineClusters(opts.nodeCommand),
    traces: { serialize: serializeTrace, parse: (text) => parseTrace(text, 'trace') },
    history: { check: historyReport, replay: replayView },
    course: engineCourse(opts.nodeCommand),
    sdk: {
      typeFiles: () => {
        sdkTypes ??= sdkTypeFiles(path.join(paxlabRoot(), 'labs', 'sdk'));
        sdkTypes.catch(() => (sdkTypes = null));
        return sdkTypes;
      },
    },
  };
}

/**
 * The app service: PaxLabApi implemented over the engine, for the Electron main process and for
 * `paxlab serve` alike. It owns the workspace, the one playground cluster, and the event stream;
 * everything else it delegates to the engine ports. Arguments are validated by the transports
 * (api.ts `validateArgs`) before they get here.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  ApiError,
  type AppEvent,
  type AppEventListener,
  type AppInfo,
  type BuildResult,
  type ClusterInfo,
  type ClusterStartOptions,
  type ClientsView,
  type ExportTraceRequest,
  type ExportedTrace,
  type HistoryModel,
  type HistoryReport,
  type ReplayView,
  type TraceSource,
  type GradeReportView,
  type ImportedTrace,
  type LabDetail,
  type LabSummary,
  type NetworkConfig,
  type NodeSnapshot,
  type PaxLabService,
  type ResetResult,
  type RoleSource,
  type SdkTypeFile,
  type TraceEvent,
  type TraceFileInfo,
  type WorkspaceFile,
  type WriteOptions,
  type WriteResult,
  type ChapterProgress,
  type ChapterProgressPatch,
  type ChapterRunView,
  type ChapterStoryView,
  type CourseChapterDetail,
  type CourseChapterSummary,
} from '../../api.js';
import { Workspace, writeFileAtomic } from '../workspace/index.js';
import { parseWorkloadText, WorkloadSpecError } from '../clients/workload.js';
import type { ClusterHandle, EnginePorts, LabPack } from './ports.js';
import { EventBatcher } from './event-batcher.js';
import { eventsSince, exportableTrace } from './trace-window.js';
import { LiveHistory } from '../live-history/index.js';
import { CourseHost } from './course-service.js';

/**
 * How many trace events a playground cluster keeps: an undecided cluster's heartbeats add
 * thousands a second, and the renderer keeps as many again.
 */
export const PLAYGROUND_TRACE_EVENTS = 200_000;

export interface AppServiceOptions {
  workspaceDir: string;
  mode: AppInfo['mode'];
  version: string;
  ports: EnginePorts;
  /** How long cluster events are collected before one `cluster-events` push (ms). */
  eventBatchMs?: number;
  /** Watch the workspace for external edits (default true). */
  watch?: boolean;
  /** The playground cluster's trace bound (default PLAYGROUND_TRACE_EVENTS). */
  maxTraceEvents?: number;
}

interface RunningCluster {
  info: ClusterInfo;
  handle: ClusterHandle;
  batcher: EventBatcher<TraceEvent>;
  unsubscribe: () => void;
  /** The clients' live figures and verdict, when the cluster has clients. */
  live: LiveHistory | null;
}

const ROLES = ['acceptor', 'proposer', 'learner'] as const;
type RoleName = (typeof ROLES)[number];

export class AppService implements PaxLabService {
  readonly workspace: Workspace;
  private readonly ports: EnginePorts;
  private readonly listeners = new Set<AppEventListener>();
  private cluster: RunningCluster | null = null;
  /** The whole failing runs of each lab's latest grading run, for export: lab → run id → verdict id → events. */
  private failingRuns = new Map<string, { runId: string; runs: ReadonlyMap<string, TraceEvent[]> }>();
  private clusterStarting: Promise<unknown> | null = null;
  private closed = false;
  private readonly course: CourseHost;

  private constructor(private readonly opts: AppServiceOptions) {
    this.workspace = new Workspace(opts.workspaceDir);
    this.ports = opts.ports;
    this.course = new CourseHost(opts.ports.course, this.workspace, async (id, name) => (await this.labFile(id, name)).starter);
  }

  static async create(opts: AppServiceOptions): Promise<AppService> {
    const service = new AppService(opts);
    if (opts.watch !== false) {
      await service.workspace.watch((change) => service.emit({ type: 'file-changed', ...change }));
    }
    return service;
  }

  subscribe(listener: AppEventListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private emit(event: AppEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        /* one bad subscriber must not starve the others */
      }
    }
  }

  // ---- app & labs ----------------------------------------------------------------------------

  async getAppInfo(): Promise<AppInfo> {
    return { name: 'PaxLab', version: this.opts.version, mode: this.opts.mode, workspaceDir: this.workspace.root, platform: process.platform };
  }

  async listLabs(): Promise<LabSummary[]> {
    // The course's chapters are graded like labs (`chapter-N`) but live in the Course view.
    const chapters = new Set(this.course.chapterIds());
    const labs = (await this.ports.labs.list()).filter((l) => !chapters.has(l.id));
    return labs
      .map((lab) => ({ ...lab, progress: this.workspace.progress.get(lab.id, lab.points) }))
      .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  }

  async getLab(labId: string): Promise<LabDetail> {
    const pack = await this.ports.labs.load(labId);
    return {
      id: pack.id,
      title: pack.title,
      role: pack.role,
      points: pack.points,
      order: pack.order,
      progress: this.workspace.progress.get(pack.id, pack.points),
      instructions: pack.instructions,
      files: pack.files.map((f) => ({ name: f.name, starter: f.starter })),
      publicTraces: pack.publicTraces,
    };
  }

  // ---- workspace -----------------------------------------------------------------------------

  private async labFile(labId: string, name: string): Promise<{ pack: LabPack; starter: string }> {
    const pack = await this.ports.labs.load(labId);
    const file = pack.files.find((f) => f.name === name);
    if (!file) throw new ApiError('not-found', `lab ${labId} has no file ${name} (files: ${pack.files.map((f) => f.name).join(', ')})`);
    return { pack, starter: file.starter };
  }

  async readLabFile(labId: string, name: string): Promise<WorkspaceFile> {
    const { starter } = await this.labFile(labId, name);
    // A student who opens a lab runs its tests soon: the type checker loads meanwhile, so the first
    // run's trace verdicts do not wait for TypeScript to start.
    this.ports.grade.prepare?.();
    const started = this.workspace.progress.get(labId).status;
    const file = this.workspace.open(labId, name, starter);
    if (started === 'not-started' && this.workspace.progress.get(labId).status !== 'not-started') this.emitProgress(labId);
    return file;
  }

  async writeLabFile(labId: string, name: string, text: string, options: WriteOptions = {}): Promise<WriteResult> {
    await this.labFile(labId, name);
    const before = this.workspace.progress.get(labId).status;
    const { mtimeMs, bytes, version, backup } = this.workspace.write(labId, name, text, options);
    if (before === 'not-started') this.emitProgress(labId);
    // Every window on this file hears of the save (the writer recognises its own version).
    this.emit({ type: 'file-changed', labId, name, text, mtimeMs, version });
    return { labId, name, mtimeMs, bytes, version, ...(options.backupReplaced ? { backup } : {}) };
  }

  async resetLabFile(labId: string, name: string): Promise<ResetResult> {
    const { starter } = await this.labFile(labId, name);
    const reset = this.workspace.reset(labId, name, starter);
    this.emit({ type: 'file-changed', labId, name, text: reset.text, mtimeMs: reset.mtimeMs, version: reset.version });
    return reset;
  }

  private emitProgress(labId: string): void {
    this.emit({ type: 'progress-changed', labId, progress: this.workspace.progress.get(labId) });
  }

  // ---- build & grade -------------------------------------------------------------------------

  /** The graded module of a lab in the workspace (created from the starter if missing). */
  private async mainModule(labId: string): Promise<string> {
    const pack = await this.ports.labs.load(labId);
    const main = pack.files[0];
    if (!main) throw new ApiError('internal', `lab ${labId} names no student file`);
    this.workspace.open(labId, main.name, main.starter);
    return this.workspace.filePath(labId, main.name);
  }

  async buildLab(labId: string): Promise<BuildResult> {
    const started = Date.now();
    const entry = await this.mainModule(labId);
    const out = await this.ports.build.build(labId, entry);
    return { labId, ok: out.ok, diagnostics: out.diagnostics, durationMs: Date.now() - started };
  }

  async gradeLab(labId: string): Promise<GradeReportView> {
    const started = Date.now();
    const runId = randomUUID();
    const entry = await this.mainModule(labId);
    // The list first, so the window shows every test waiting before the first verdict arrives.
    const tests = await this.ports.grade.list?.(labId).catch(() => undefined);
    if (tests) this.emit({ type: 'grade-started', labId, runId, tests });
    const outcome = await this.ports.grade.grade(labId, entry, (done, total, verdict) =>
      this.emit({ type: 'grade-progress', labId, runId, done, total, ...(verdict ? { verdict } : {}) }),
    );
    const { runs, ...view } = outcome;
    this.failingRuns.set(labId, { runId, runs: runs ?? new Map() });
    const report: GradeReportView = { ...view, labId, runId, durationMs: Date.now() - started };
    if (report.built && !report.error) {
      const progress = this.workspace.progress.recordGrade(labId, {
        score: report.score,
        maxScore: report.maxScore,
        passed: report.total > 0 && report.failed === 0 && !report.safety,
        failed: report.failed,
        total: report.total,
      });
      this.emit({ type: 'progress-changed', labId, progress });
    }
    return report;
  }

  // ---- cluster playground --------------------------------------------------------------------

  async startCluster(options: ClusterStartOptions): Promise<ClusterInfo> {
    if (this.closed) throw new ApiError('unavailable', 'PaxLab is shutting down');
    if (this.clusterStarting) throw new ApiError('conflict', 'a cluster is already starting');
    const starting = this.launch(options);
    this.clusterStarting = starting;
    try {
      return await starting;
    } finally {
      this.clusterStarting = null;
    }
  }

  private async launch(options: ClusterStartOptions): Promise<ClusterInfo> {
    if (options.clients) {
      try {
        parseWorkloadText(options.clients.workload);
      } catch (err) {
        if (err instanceof WorkloadSpecError) throw new ApiError('bad-argument', err.message);
        throw err;
      }
    }
    // One playground cluster at a time: a new one replaces the old.
    if (this.cluster) await this.stopCluster(this.cluster.info.clusterId);

    const roles = { acceptor: 'reference', proposer: 'reference', learner: 'reference', ...options.roles } as Record<RoleName, RoleSource>;
    if (options.service && ROLES.some((r) => roles[r] === 'student')) {
      throw new ApiError('bad-argument', 'the Multi-Paxos service runs the reference roles; the single-decree roles do not fit it');
    }
    const rolePaths: Partial<Record<RoleName, string>> = {};
    for (const role of ROLES) {
      if (roles[role] === 'student') rolePaths[role] = await this.studentRoleBundle(role);
    }
    const studentNode = options.chapter ? await this.chapterNodeBundle(options.chapter.id, options.chapter.code) : undefined;

    const clusterId = randomUUID();
    this.emit({ type: 'cluster-status', clusterId, status: 'starting' });
    let handle: ClusterHandle;
    const maxTraceEvents = this.opts.maxTraceEvents ?? PLAYGROUND_TRACE_EVENTS;
    try {
      handle = await this.ports.cluster.start({
        nodes: options.nodes,
        seed: options.seed,
        network: options.network,
        roles: rolePaths,
        maxTraceEvents,
        ...(options.clients ? { clients: options.clients } : {}),
        ...(options.service ? { service: { machine: options.service.machine } } : {}),
        ...(studentNode ? { studentNode } : {}),
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.emit({ type: 'cluster-status', clusterId, status: 'failed', message });
      throw new ApiError('internal', `the cluster could not start: ${message}`);
    }
    if (this.closed) {
      await handle.shutdown();
      throw new ApiError('unavailable', 'PaxLab is shutting down');
    }

    const info: ClusterInfo = {
      clusterId,
      nodes: [...handle.nodes],
      status: 'running',
      network: handle.network(),
      roles,
      ...(options.service ? { service: { machine: options.service.machine } } : {}),
      ...(options.chapter ? { chapter: { ...options.chapter } } : {}),
      startedAt: new Date().toISOString(),
      maxTraceEvents,
    };
    const batcher = new EventBatcher<TraceEvent>(this.opts.eventBatchMs ?? 25, (events) =>
      this.emit({ type: 'cluster-events', clusterId, events }),
    );
    const meta = handle.trace[0]?.type === 'meta' ? handle.trace[0] : undefined;
    const live = meta?.clients?.length
      ? new LiveHistory({
          model: meta.model ?? 'log',
          clients: meta.clients,
          onChange: (view) => {
            // The events the verdict judged go out before it, so the diagram has them.
            batcher.flush();
            this.emit({ type: 'cluster-clients', clusterId, view });
          },
        })
      : null;
    // Events recorded before we subscribed go out first, so the stream has no gap.
    for (const e of handle.trace) {
      batcher.push(e);
      live?.push(e);
    }
    const unsubscribe = handle.subscribe((e) => {
      batcher.push(e);
      live?.push(e);
    });
    this.cluster = { info, handle, batcher, unsubscribe, live };
    if (live) {
      if (options.clients?.start !== false) live.setPhase('running');
      handle.onClientsDone?.(() => live.state().phase === 'running' && live.setPhase('done'));
    }
    handle.onFailure?.((message) => {
      if (this.cluster?.info.clusterId !== clusterId) return;
      batcher.flush();
      this.cluster.info.status = 'failed';
      this.emit({ type: 'cluster-status', clusterId, status: 'failed', message });
    });
    this.emit({ type: 'cluster-status', clusterId, status: 'running' });
    return { ...info };
  }

  /** Build the student's module for a role lab; a build error is a clear `bad-argument`. */
  private async studentRoleBundle(role: RoleName): Promise<string> {
    const labs = await this.ports.labs.list();
    const lab = labs.find((l) => l.role === role);
    if (!lab) throw new ApiError('not-found', `no lab teaches the ${role}`);
    const entry = await this.mainModule(lab.id);
    const out = await this.ports.build.build(lab.id, entry);
    if (!out.ok || !out.bundlePath) {
      const first = out.diagnostics.find((d) => d.severity === 'error') ?? out.diagnostics[0];
      const where = first ? `: ${first.file}:${first.line}:${first.column} ${first.message}` : '';
      throw new ApiError('bad-argument', `your ${role} does not build${where}`);
    }
    return out.bundlePath;
  }

  /** A course chapter's node for the playground: its naive protocol, or the student's file for it, built. */
  private async chapterNodeBundle(chapterId: string, code: 'naive' | 'student'): Promise<string> {
    const entry = code === 'student' ? await this.mainModule(chapterId) : this.course.starterFile(chapterId);
    const out = await this.ports.build.build(chapterId, entry);
    if (!out.ok || !out.bundlePath) {
      const first = out.diagnostics.find((d) => d.severity === 'error') ?? out.diagnostics[0];
      const where = first ? `: ${first.file}:${first.line}:${first.column} ${first.message}` : '';
      throw new ApiError('bad-argument', `your ${chapterId} node does not build${where}`);
    }
    return out.bundlePath;
  }

  private running(clusterId: string): RunningCluster {
    const c = this.cluster;
    if (!c || c.info.clusterId !== clusterId) throw new ApiError('not-found', `no running cluster ${clusterId}`);
    return c;
  }

  private checkNode(c: RunningCluster, node: number): void {
    if (!c.info.nodes.includes(node)) throw new ApiError('bad-argument', `node ${node} is not in this cluster (nodes ${c.info.nodes.join(', ')})`);
  }

  async stopCluster(clusterId: string): Promise<void> {
    const c = this.running(clusterId);
    this.cluster = null;
    c.unsubscribe();
    c.live?.close();
    try {
      await c.handle.shutdown();
    } finally {
      c.batcher.flush();
      c.batcher.close();
      this.emit({ type: 'cluster-status', clusterId, status: 'stopped' });
    }
  }

  async crashNode(clusterId: string, node: number): Promise<void> {
    const c = this.running(clusterId);
    this.checkNode(c, node);
    await c.handle.crash(node);
  }

  async restartNode(clusterId: string, node: number): Promise<void> {
    const c = this.running(clusterId);
    this.checkNode(c, node);
    await c.handle.restart(node);
  }

  async pauseNode(clusterId: string, node: number): Promise<void> {
    const c = this.running(clusterId);
    this.checkNode(c, node);
    try {
      await c.handle.pause(node);
    } catch (err) {
      throw new ApiError('unavailable', err instanceof Error ? err.message : String(err));
    }
  }

  async resumeNode(clusterId: string, node: number): Promise<void> {
    const c = this.running(clusterId);
    this.checkNode(c, node);
    await c.handle.resume(node);
  }

  private clientsOf(clusterId: string): { c: RunningCluster; live: LiveHistory } {
    const c = this.running(clusterId);
    if (!c.live || !c.handle.startClients || !c.handle.stopClients) throw new ApiError('bad-argument', 'this cluster was started without clients');
    return { c, live: c.live };
  }

  async startClients(clusterId: string): Promise<void> {
    const { c, live } = this.clientsOf(clusterId);
    try {
      c.handle.startClients!();
    } catch (err) {
      throw new ApiError('conflict', err instanceof Error ? err.message : String(err));
    }
    live.setPhase('running');
  }

  async stopClients(clusterId: string): Promise<void> {
    const { c, live } = this.clientsOf(clusterId);
    if (live.state().phase === 'done' || live.state().phase === 'stopped') return;
    c.handle.stopClients!();
    live.setPhase('stopped');
  }

  async getClients(clusterId: string): Promise<ClientsView | null> {
    return this.running(clusterId).live?.state() ?? null;
  }

  async setLink(clusterId: string, a: number, b: number, up: boolean): Promise<void> {
    const c = this.running(clusterId);
    this.checkNode(c, a);
    this.checkNode(c, b);
    if (a === b) throw new ApiError('bad-argument', 'a link joins two different nodes');
    await c.handle.setLink(a, b, up);
  }

  async setNetwork(clusterId: string, network: Partial<NetworkConfig>): Promise<NetworkConfig> {
    const c = this.running(clusterId);
    const next = { ...c.handle.network(), ...network };
    if (next.minDelayMs > next.maxDelayMs) throw new ApiError('bad-argument', 'minDelayMs must not exceed maxDelayMs');
    await c.handle.setNetwork(next);
    c.info.network = c.handle.network();
    return { ...c.info.network };
  }

  async partition(clusterId: string, groups: number[][]): Promise<void> {
    const c = this.running(clusterId);
    for (const g of groups) for (const n of g) this.checkNode(c, n);
    await c.handle.partition(groups);
  }

  async heal(clusterId: string): Promise<void> {
    await this.running(clusterId).handle.heal();
  }

  async clientRequest(clusterId: string, node: number, value: string): Promise<{ requestId: string }> {
    const c = this.running(clusterId);
    this.checkNode(c, node);
    return { requestId: await c.handle.clientRequest(node, value) };
  }

  async snapshotNode(clusterId: string, node: number): Promise<NodeSnapshot> {
    const c = this.running(clusterId);
    this.checkNode(c, node);
    const snap = await c.handle.snapshot(node);
    return { clusterId, node, up: snap.up, ...(snap.paused ? { paused: true } : {}), state: snap.state };
  }

  async getClusterTrace(clusterId: string, sinceSeq = 0): Promise<TraceEvent[]> {
    const c = this.running(clusterId);
    return eventsSince(c.handle.trace, sinceSeq);
  }

  // ---- traces --------------------------------------------------------------------------------

  private tracePath(name: string): string {
    const file = name.endsWith('.jsonl') ? name : `${name}.jsonl`;
    if (path.basename(file) !== file || file.startsWith('.')) throw new ApiError('bad-argument', `not a plain file name: ${name}`);
    return path.join(this.workspace.tracesDir, file);
  }

  private traceInfo(file: string, events?: TraceEvent[]): TraceFileInfo {
    const st = statSync(file);
    let evs = events;
    if (!evs) {
      try {
        evs = this.ports.traces.parse(readFileSync(file, 'utf8'));
      } catch {
        evs = [];
      }
    }
    const meta = evs[0]?.type === 'meta' ? evs[0] : undefined;
    return {
      name: path.basename(file),
      bytes: st.size,
      mtimeMs: st.mtimeMs,
      events: evs.length,
      ...(meta?.title ? { title: meta.title } : {}),
      ...(meta ? { source: meta.source } : {}),
    };
  }

  async listTraces(): Promise<TraceFileInfo[]> {
    const dir = this.workspace.tracesDir;
    return readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl') && !f.startsWith('.'))
      .map((f) => this.traceInfo(path.join(dir, f)))
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
  }

  async exportTrace(request: ExportTraceRequest): Promise<ExportedTrace> {
    let events: TraceEvent[];
    if (request.clusterId !== undefined) events = exportableTrace(this.running(request.clusterId).handle.trace);
    else if (request.run !== undefined) events = this.failingRun(request.run.runId, request.run.verdictId);
    else events = request.events ?? [];
    if (events[0]?.type !== 'meta') throw new ApiError('bad-argument', 'a trace starts with its meta event');
    const text = this.ports.traces.serialize(events);
    // Round-trip through the parser so an export is always importable.
    try {
      this.ports.traces.parse(text);
    } catch (err) {
      throw new ApiError('bad-argument', `not a valid trace: ${err instanceof Error ? err.message : String(err)}`);
    }
    const name = request.name ?? `trace-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
    const file = this.tracePath(name);
    writeFileAtomic(file, text);
    return { name: path.basename(file), path: file, text };
  }

  /** The whole failing run of a verdict of a lab's latest grading run. */
  private failingRun(runId: string, verdictId: string): TraceEvent[] {
    for (const latest of this.failingRuns.values()) {
      if (latest.runId !== runId) continue;
      const events = latest.runs.get(verdictId);
      if (events) return events;
      throw new ApiError('not-found', `test ${verdictId} of that grading run has no failing run`);
    }
    throw new ApiError('not-found', 'that grading run is no longer kept (only the latest run of each lab is); run the tests again');
  }

  async importTrace(name: string, text: string): Promise<ImportedTrace> {
    let events: TraceEvent[];
    try {
      events = this.ports.traces.parse(text);
    } catch (err) {
      throw new ApiError('bad-argument', `not a PaxLab trace: ${err instanceof Error ? err.message : String(err)}`);
    }
    const file = this.tracePath(name);
    // Never overwrite an existing trace silently: pick a fresh name.
    let target = file;
    for (let i = 2; existsSync(target); i++) target = file.replace(/\.jsonl$/, `-${i}.jsonl`);
    writeFileAtomic(target, this.ports.traces.serialize(events));
    return { info: this.traceInfo(target, events), events };
  }

  async readTrace(name: string): Promise<TraceEvent[]> {
    const file = this.tracePath(name);
    if (!existsSync(file)) throw new ApiError('not-found', `no trace named ${name}`);
    try {
      return this.ports.traces.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ApiError('bad-argument', `${name} is not a valid trace: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async getSdkTypes(): Promise<SdkTypeFile[]> {
    return this.ports.sdk.typeFiles();
  }

  // ---- histories and replay ------------------------------------------------------------------

  private async sourceEvents(source: TraceSource): Promise<TraceEvent[]> {
    if ('clusterId' in source) return exportableTrace(this.running(source.clusterId).handle.trace);
    if ('name' in source) return this.readTrace(source.name);
    return source.events;
  }

  async checkHistory(source: TraceSource, model?: HistoryModel): Promise<HistoryReport> {
    return this.ports.history.check(await this.sourceEvents(source), model);
  }

  async replayTrace(source: TraceSource): Promise<ReplayView> {
    return this.ports.history.replay(await this.sourceEvents(source));
  }

  // ---- the guided course (course-service.ts) -------------------------------------------------

  listCourse(): Promise<CourseChapterSummary[]> {
    return this.course.list();
  }

  getChapter(chapterId: string): Promise<CourseChapterDetail> {
    return this.course.detail(chapterId);
  }

  runChapterScript(chapterId: string, code: 'naive' | 'student', script?: string): Promise<ChapterRunView> {
    if (this.closed) return Promise.reject(new ApiError('unavailable', 'PaxLab is shutting down'));
    return this.course.run(chapterId, code, script);
  }

  playChapterStory(chapterId: string, story: string): Promise<ChapterStoryView> {
    return this.course.story(chapterId, story);
  }

  recordChapterProgress(chapterId: string, patch: ChapterProgressPatch): Promise<ChapterProgress> {
    return this.course.record(chapterId, patch);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Stop the cluster (killing every node) and the file watcher. Idempotent. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await this.clusterStarting?.catch(() => {});
    const c = this.cluster;
    if (c) await this.stopCluster(c.info.clusterId).catch(() => {});
    await this.workspace.close();
    this.ports.build.dispose?.();
  }
}

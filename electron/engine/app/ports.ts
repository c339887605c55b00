/**
 * The engine parts the app service drives, as small interfaces. `engine-ports.ts` binds them to the
 * real engine (lab packs, student build, grader, cluster supervisor, trace I/O); tests may bind a
 * part to something else. Keeping them narrow keeps the service readable and the wiring in one place.
 */
import type { CoursePort } from './course-port.js';
import type { Diagnostic, GradeReportView, GradeTestRef, HistoryModel, HistoryReport, NetworkConfig, ReplayView, SdkTypeFile, TraceEvent, Verdict } from '../../api.js';

export interface LabPackSummary {
  id: string;
  title: string;
  role: string;
  points: number;
  order: number;
}

export interface LabPack extends LabPackSummary {
  instructions: string;
  /** The files the student edits, the graded module first, with their starter text. */
  files: { name: string; starter: string }[];
  publicTraces: { name: string; text: string }[];
}

export interface LabsPort {
  list(): Promise<LabPackSummary[]>;
  /** Throws ApiError 'not-found' for an unknown id. */
  load(labId: string): Promise<LabPack>;
}

export interface BuildOutcome {
  ok: boolean;
  /** File names relative to the folder of the entry module. */
  diagnostics: Diagnostic[];
  /** A runnable JS module (ESM) when ok. */
  bundlePath?: string;
}

export interface BuildPort {
  build(labId: string, entryPath: string): Promise<BuildOutcome>;
  /** Remove any bundles kept for the cluster. */
  dispose?(): void;
}

export type GradeOutcome = Omit<GradeReportView, 'labId' | 'runId' | 'durationMs'> & {
  /** The whole failing run of each failed verdict (the view carries a window of a long one), by verdict id. */
  runs?: ReadonlyMap<string, TraceEvent[]>;
};

export interface GradePort {
  /** Start loading what grading needs (the type checker) ahead of the first run; returns at once. */
  prepare?(): void;
  /** The tests `grade` will run, in order (cheap: read from the lab, nothing runs). */
  list?(labId: string): Promise<GradeTestRef[]>;
  grade(
    labId: string,
    modulePath: string,
    onProgress: (done: number, total: number, verdict?: Verdict) => void,
  ): Promise<GradeOutcome>;
}

export interface ClusterLaunch {
  nodes: number;
  seed?: number;
  network?: Partial<NetworkConfig>;
  /** Built student role modules; a role left out runs the reference. */
  roles: { acceptor?: string; proposer?: string; learner?: string };
  /** Keep at most this many trace events, discarding the oldest (unbounded when left out). */
  maxTraceEvents?: number;
  /** Client sessions started with the cluster (workload in the text form of docs/history.md). */
  clients?: { count: number; workload: string; thinkMs?: number; start?: boolean };
  /** Run the reference Multi-Paxos service node with this state machine (reference roles). */
  service?: { machine: 'kv' | 'lock' | 'log' };
  /** A built student-style node module (a course chapter's node) run on every node, in its realm. */
  studentNode?: string;
}

/** A running cluster of real node processes. */
export interface ClusterHandle {
  readonly nodes: number[];
  network(): NetworkConfig;
  crash(node: number): Promise<void> | void;
  restart(node: number): Promise<void> | void;
  pause(node: number): Promise<void> | void;
  resume(node: number): Promise<void> | void;
  setLink(a: number, b: number, up: boolean): Promise<void> | void;
  setNetwork(cfg: Partial<NetworkConfig>): Promise<void> | void;
  partition(groups: number[][]): Promise<void> | void;
  heal(): Promise<void> | void;
  clientRequest(node: number, value: string): Promise<string> | string;
  /** Start the client sessions (once; a cluster without clients refuses). */
  startClients?(): void;
  /** End the client sessions: outstanding operations become `info`. */
  stopClients?(): void;
  /** Called once when every client session has run dry. */
  onClientsDone?(listener: () => void): void;
  /** Null state when the node is down or paused. */
  snapshot(node: number): Promise<{ up: boolean; paused?: boolean; state: unknown }>;
  /** The meta line, then the events kept (all, or the newest under `maxTraceEvents`), in seq order. */
  readonly trace: readonly TraceEvent[];
  subscribe(listener: (event: TraceEvent) => void): () => void;
  /** Called once if the cluster fails on its own (a node program that cannot start, …). */
  onFailure?(listener: (message: string) => void): void;
  shutdown(): Promise<void>;
}

export interface ClusterPort {
  start(launch: ClusterLaunch): Promise<ClusterHandle>;
}

export interface TracePort {
  serialize(events: readonly TraceEvent[]): string;
  /** Throws on invalid text, naming the line. */
  parse(text: string): TraceEvent[];
}

export interface SdkPort {
  typeFiles(): Promise<SdkTypeFile[]>;
}

/** Judging a trace's clients' history, and replaying a cluster trace (docs/history.md). */
export interface HistoryPort {
  check(events: readonly TraceEvent[], model?: HistoryModel): HistoryReport;
  replay(events: readonly TraceEvent[]): ReplayView;
}

export interface EnginePorts {
  labs: LabsPort;
  build: BuildPort;
  grade: GradePort;
  cluster: ClusterPort;
  traces: TracePort;
  sdk: SdkPort;
  history: HistoryPort;
  /** The guided course (chapters, pinned runs, stories); absent: the app has no course. */
  course?: CoursePort;
}

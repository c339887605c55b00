/**
 * The typed API between the renderer and the engine host (Electron main, or `paxlab serve` in
 * browser mode). One interface, one channel map, one set of argument validators and one event
 * stream, shared by the preload, the main process, the WebSocket bridge and the renderer.
 *
 * Browser-safe: no Node or Electron imports, only types from the trace format.
 *
 * Transports carry every call as `method + args[]` and answer with an {@link ApiReply} envelope, so a
 * rejected call keeps its {@link ApiErrorCode} across IPC and WebSocket alike.
 */
import type { NetworkConfig, TraceEvent } from './engine/trace/events.js';
import type { TraceHighlight, TraceStep } from './engine/failing-run/types.js';

export type { NetworkConfig, TraceEvent } from './engine/trace/events.js';
export type { TraceHighlight, TraceStep } from './engine/failing-run/types.js';
/** What a Multi-Paxos service node's snapshot holds (the playground's log view draws it). */
export type { MultiNodeView, SlotView, SlotState } from '@paxlab/sdk';

// ---------------------------------------------------------------------------------------------
// Data types
// ---------------------------------------------------------------------------------------------

export interface AppInfo {
  name: 'PaxLab';
  version: string;
  /** 'electron' in the desktop app, 'browser' under `paxlab serve`. */
  mode: 'electron' | 'browser';
  /** The student's workspace folder (absolute path on the host). */
  workspaceDir: string;
  platform: string;
}

export type LabStatus = 'not-started' | 'in-progress' | 'passed';

/** One grading run, as the lab's progress remembers it. */
export interface GradeRunSummary {
  score: number;
  maxScore: number;
  /** Every test passed. */
  passed: boolean;
  failed: number;
  total: number;
  /** ISO time of the run. */
  at: string;
}

export interface LabProgress {
  /** 'passed' once any run passed every test (the best run), 'in-progress' once started. */
  status: LabStatus;
  /** Points of the best grading run so far (0 when never graded). */
  score: number;
  maxScore: number;
  /** ISO time of the last grading run, if any. */
  lastGradedAt?: string;
  /** The latest grading run, whatever its score (absent before the first run). */
  last?: GradeRunSummary;
}

export interface LabSummary {
  id: string;
  title: string;
  /** 'acceptor' | 'proposer' | 'learner' for the role labs. */
  role: string;
  points: number;
  /** Position in the course (01, 02, … from the pack's folder). */
  order: number;
  progress: LabProgress;
}

/** One file of the lab the student edits (relative to the lab's workspace folder). */
export interface LabFileRef {
  name: string;
  /** The starter text, for "reset" previews and diffs. */
  starter: string;
}

/** A public reference trace of a lab, as the pack stores it (JSON lines). */
export interface PublicTrace {
  name: string;
  text: string;
}

export interface LabDetail extends LabSummary {
  /** Markdown; the renderer sanitizes it. */
  instructions: string;
  /** The files the student edits; the first one is the role module graded. */
  files: LabFileRef[];
  publicTraces: PublicTrace[];
}

export interface WorkspaceFile {
  labId: string;
  name: string;
  text: string;
  /** Modification time on disk, ms since the epoch. */
  mtimeMs: number;
  /**
   * The text's version (a content hash). A write names the version it replaces
   * ({@link WriteOptions.baseVersion}) and is refused when the file changed since.
   */
  version: string;
}

export interface WriteOptions {
  /**
   * The version this write replaces (from `readLabFile`, an earlier write or a `file-changed`
   * event). When the file on disk is another version, the write is refused with `conflict` and
   * nothing is written. Left out, the write replaces whatever is there.
   */
  baseVersion?: string;
  /** Keep the text this write replaces as a numbered backup (for "keep mine" after a conflict). */
  backupReplaced?: boolean;
}

export interface WriteResult {
  labId: string;
  name: string;
  mtimeMs: number;
  bytes: number;
  /** The version now on disk. */
  version: string;
  /** Where the replaced text was kept, when `backupReplaced` asked for it and the text changed. */
  backup?: string | null;
}

export interface ResetResult extends WorkspaceFile {
  /**
   * Where the previous text was kept (the next numbered backup beside the file, e.g.
   * `acceptor.ts.2.bak`; older backups are never overwritten), or null when nothing was kept.
   */
  backup: string | null;
}

export interface Diagnostic {
  /** File name relative to the lab's workspace folder (e.g. `acceptor.ts`). */
  file: string;
  /** 1-based line and column. */
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: 'error' | 'warning';
  message: string;
  /** Who found it: 'syntax', 'type', 'import' or 'export'. */
  source?: string;
}

export interface BuildResult {
  labId: string;
  ok: boolean;
  diagnostics: Diagnostic[];
  durationMs: number;
}

/** One step of a role trace as the grader replayed it. */
export interface GradeStep {
  method: string;
  input: unknown;
  expected?: unknown;
  actual?: unknown;
  rule?: string;
}

export interface Verdict {
  id: string;
  name: string;
  kind: string;
  passed: boolean;
  points: number;
  maxPoints: number;
  /** The broken rule, when the test failed on one. */
  rule?: { id: string; text: string };
  /** Why it failed, in one line (e.g. "handler threw", "wrong output"). */
  reason?: string;
  message?: string;
  expected?: unknown;
  actual?: unknown;
  /** The inputs replayed up to the failure, with their outputs. */
  steps?: GradeStep[];
  /** The student's state at the failure, when it could be read. */
  state?: unknown;
  stack?: string;
  /**
   * The failing run as trace events (meta first), for the diagram: a scenario's whole simulated run
   * or a search counterexample, ending with an error event that names the violation; for a trace
   * test, the replayed calls. A long run is cut to a window around the violation (see `traceEvents`).
   */
  trace?: TraceEvent[];
  /** How many events the whole failing run has: more than `trace.length` when it was cut. */
  traceEvents?: number;
  /** The events of `trace` that break the rule (the two conflicting decides, …), by seq. */
  highlights?: TraceHighlight[];
  /** A search counterexample's numbered steps. */
  counterexample?: TraceStep[];
  /** The checker that failed ('agreement', 'chosen-invariant', 'liveness', …). */
  checker?: string;
  /** The scenario seed that reproduces the failure (`paxlab grade --seed N`). */
  seed?: number;
}

/** A test a grading run will run, before its verdict is known. */
export interface GradeTestRef {
  id: string;
  name: string;
  kind: string;
}

export interface SafetyView {
  /** The broken properties, e.g. `agreement`. */
  checkers: string[];
  /** The ids of the tests that broke them. */
  tests: string[];
  /** The most a submission that breaks safety can score. */
  maxScore: number;
  /** Whether the cap lowered this score. */
  capped: boolean;
}

export interface GradeReportView {
  labId: string;
  runId: string;
  /** False when the module could not be built or loaded (see diagnostics). */
  built: boolean;
  score: number;
  maxScore: number;
  passed: number;
  failed: number;
  total: number;
  verdicts: Verdict[];
  diagnostics: Diagnostic[];
  durationMs: number;
  /**
   * Set when a test broke a safety property (agreement, validity, …): the report leads with it, the
   * lab is not passed, and the score is capped at `maxScore` (the manifest's `safety.cap`).
   */
  safety?: SafetyView;
  /** Set when grading itself could not run. */
  error?: string;
}

export type RoleSource = 'reference' | 'student';

export interface ClusterStartOptions {
  /** 3..7 */
  nodes: number;
  /** Per role, run the reference or the student's code (default reference). */
  roles?: { acceptor?: RoleSource; proposer?: RoleSource; learner?: RoleSource };
  seed?: number;
  network?: Partial<NetworkConfig>;
  /**
   * Client sessions c1..c{count} that run `workload` (the text form of docs/history.md, e.g.
   * `log:ops=1` or `kv:keys=2,ops=20`) through the hub: closed loop, each waiting `thinkMs` between
   * an answer and its next operation (its rate; default 0, as fast as answers come). They start
   * with the cluster unless `start` is false (then `startClients`). Progress and the live
   * linearizability verdict arrive as `cluster-clients` events.
   */
  clients?: { count: number; workload: string; thinkMs?: number; start?: boolean };
  /**
   * Run the replicated service instead of single-decree Paxos: the reference Multi-Paxos node
   * (docs/multi-paxos-api.md) with this state machine, every role the reference one. Its nodes'
   * snapshots are `MultiNodeView`s (`@paxlab/sdk`).
   */
  service?: { machine: 'kv' | 'lock' | 'log' };
  /**
   * Run a course chapter's node (docs/chapters.md) on every node: its naive protocol or the
   * student's file for that chapter, built like a submission. `nodes` is then the chapter's size.
   */
  chapter?: { id: string; code: 'naive' | 'student' };
}

export type ClusterStatus = 'starting' | 'running' | 'stopped' | 'failed';

export interface ClusterInfo {
  clusterId: string;
  nodes: number[];
  status: ClusterStatus;
  network: NetworkConfig;
  roles: { acceptor: RoleSource; proposer: RoleSource; learner: RoleSource };
  /** Set when the cluster runs the Multi-Paxos service (ClusterStartOptions.service). */
  service?: { machine: 'kv' | 'lock' | 'log' };
  /** Set when the cluster runs a course chapter's node (ClusterStartOptions.chapter). */
  chapter?: { id: string; code: 'naive' | 'student' };
  startedAt: string;
  /**
   * The most trace events the cluster keeps (meta line included); older ones are discarded a
   * tenth at a time, so the first event after the meta line may have a seq above 1.
   */
  maxTraceEvents?: number;
}

/** One client session of the playground so far (latency: invoke to answer, ms). */
export interface ClientStatsView {
  client: string;
  invoked: number;
  ok: number;
  fail: number;
  info: number;
  outstanding: boolean;
  p50Ms: number | null;
  p99Ms: number | null;
}

/**
 * The playground's clients as the engine sees them: per-client figures and the linearizability
 * verdict of the history so far ('none' before any operation completed, 'unknown' when the live
 * check's step budget was spent), judged in the engine, never in the renderer.
 */
export interface ClientsView {
  model: 'kv' | 'lock' | 'log';
  phase: 'idle' | 'running' | 'done' | 'stopped';
  clients: ClientStatsView[];
  completed: number;
  verdict: { verdict: 'ok' | 'illegal' | 'unknown' | 'none'; summary: string; checkedOps: number };
}

export interface NodeSnapshot {
  clusterId: string;
  node: number;
  /** False when the node is crashed or stopped. */
  up: boolean;
  /** True while the node is paused (SIGSTOP): it is up but cannot answer, so `state` is null. */
  paused?: boolean;
  state: unknown;
}

export interface TraceFileInfo {
  name: string;
  bytes: number;
  mtimeMs: number;
  events: number;
  title?: string;
  source?: string;
}

export interface ExportTraceRequest {
  /** Export this cluster's trace so far… */
  clusterId?: string;
  /** …or these events (a meta event first)… */
  events?: TraceEvent[];
  /** …or the whole failing run of a verdict of the latest grading run (not only the part shown). */
  run?: { runId: string; verdictId: string };
  /** File name in the workspace's traces folder; `.jsonl` is added when missing. */
  name?: string;
}

export interface ExportedTrace {
  name: string;
  /** Absolute path on the host. */
  path: string;
  /** The JSON lines, so the renderer can also offer a download. */
  text: string;
}

export interface ImportedTrace {
  info: TraceFileInfo;
  events: TraceEvent[];
}

/** A type file for the editor's TypeScript service (a virtual path like `/node_modules/@paxlab/sdk/index.d.ts`). */
export interface SdkTypeFile {
  path: string;
  text: string;
}

// ---- clients' histories and replay (docs/history.md) ----------------------------------------

/** Which trace: the running cluster's, a stored one (by file name), or these events. */
export type TraceSource = { clusterId: string } | { name: string } | { events: TraceEvent[] };

export type HistoryModel = 'kv' | 'lock' | 'log';

/** One operation of a history, ready to draw: a bar from `call` to `ret` (seq), null when it never returned. */
export interface HistoryOpView {
  index: number;
  client: string;
  request: string;
  /** `put(x, "3")`, `exec m1`. */
  label: string;
  status: 'ok' | 'fail' | 'info';
  /** The result as text (`"3"`, `m2 m1`), for `ok`; the reason, for `fail` and `info`. */
  outcome: string;
  call: number;
  ret: number | null;
  node?: number;
}

export interface HistoryReport {
  model: HistoryModel;
  verdict: 'ok' | 'illegal' | 'unknown';
  /** One line: "linearizable (log model)", "NOT linearizable (kv model) on key x", "unknown: …". */
  summary: string;
  /** The whole explanation, as `paxlab check` prints it. */
  text: string;
  clients: string[];
  operations: HistoryOpView[];
  /** Illegal: the key, the longest order that fits (operation indices), the one that cannot follow it, why. */
  key?: string;
  linearization?: number[];
  stuck?: number;
  reason?: string;
  /** The log model: two operations whose views are not prefixes of each other. */
  views?: [number, number];
  /** Appends (kv): the exactly-once check. */
  exactlyOnce?: { ok: boolean; messages: string[] };
}

export interface ReplayView {
  verdict: 'reproduced' | 'diverged' | 'unreplayable';
  /** As `paxlab replay` prints it. */
  text: string;
  /** Diverged: the recorded event where it did, and at which node. */
  seq?: number;
  node?: number;
}


// ---- the guided course (docs/chapters.md, docs/course-player.md) ----------------------------

/** What a student did in one chapter, kept in the workspace. */
export interface ChapterProgress {
  /** The student answered the Predict question (`prediction` is the choice id). */
  predicted: boolean;
  prediction?: string;
  /** Whether the prediction was the right one (known once predicted). */
  predictedRight?: boolean;
  /** The student watched the naive protocol break the pinned execution. */
  broke: boolean;
  /** The student's code passed the pinned execution (and, once graded, the chapter's tests). */
  fixed: boolean;
  /** The student played with the chapter's cluster or one of its stories. */
  played: boolean;
}

/** What the renderer may record itself; `broke` and `fixed` follow from the runs the host made. */
export type ChapterProgressPatch = { prediction?: string; played?: boolean };

export interface CourseChapterSummary {
  id: string;
  number: number;
  title: string;
  /** The one handler the student edits. */
  handler: string;
  /** What the naive protocol shows, in words (empty when the pack names none). */
  symptoms: string[];
  progress: ChapterProgress;
  /** Set when the pack cannot be loaded: the chapter is listed, not playable. */
  error?: string;
}

export interface NarrationPointerView {
  step?: string | number;
  event?: Record<string, unknown>;
  nth?: number;
  all?: boolean;
}

/** A chapter as the player shows it: plain JSON, no answer to the Predict question. */
export interface CourseChapterDetail {
  id: string;
  number: number;
  title: string;
  nodes: number;
  model: HistoryModel;
  leadsTo: string[];
  handler: { name: string; about: string; sees: string[] };
  rules: Array<{ id: string; text: string }>;
  /** Markdown. */
  frame: string;
  instructions: string;
  predict: { question: string; script: string; choices: Array<{ id: string; text: string }> };
  /** The student's file (in the workspace folder `chapter-N/`). */
  file: string;
  /** The pinned scripts: name and title. */
  scripts: Array<{ name: string; title: string }>;
  /** The seed stories the chapter plays. */
  stories: Array<{ name: string; title: string }>;
  /** The chapter's cluster for the playground: its size and the clients its random test runs. */
  play: { nodes: number; clients: { count: number; workload: string } };
  progress: ChapterProgress;
}

/** One check of a chapter run, with the events that show it. */
export interface ChapterCheckView {
  check: string;
  ok: boolean;
  symptom?: string;
  /** The symptom in words. */
  symptomText?: string;
  message: string;
  events: number[];
}

export interface ResolvedNarrationView {
  text: string;
  /** The events this step talks about (seqs; empty when none). */
  seqs: number[];
}

/** A pinned execution of a chapter, run on real node processes. */
export interface ChapterRunView {
  chapterId: string;
  script: string;
  /** Whose node code ran: the chapter's naive protocol or the student's file. */
  code: 'naive' | 'student';
  source: 'sim' | 'cluster';
  trace: TraceEvent[];
  steps: Array<{ index: number; label?: string; from: number; to: number }>;
  /** The step that could not be carried out. */
  error?: { step: number; message: string };
  checks: ChapterCheckView[];
  passed: boolean;
  narration: ResolvedNarrationView[];
  /** The events the failing checks point at, for the diagram. */
  highlights: TraceHighlight[];
  /** Set after Break: whether the student's prediction was right, and why the answer is what it is. */
  prediction?: { chosen: string | null; answer: string; right: boolean; why: string };
  /** Set when the student's file does not build (nothing ran). */
  diagnostics?: Diagnostic[];
  progress: ChapterProgress;
}

/** A seed story told with a chapter's narration (the reference roles, in the simulator). */
export interface ChapterStoryView {
  chapterId: string;
  story: string;
  title: string;
  about: string;
  trace: TraceEvent[];
  lines: string[];
  /** Whether the run told the story the course expects, message for message. */
  reproduced: boolean;
  narration: ResolvedNarrationView[];
  progress: ChapterProgress;
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

export type AppEvent =
  | { type: 'cluster-events'; clusterId: string; events: TraceEvent[] }
  | { type: 'cluster-status'; clusterId: string; status: ClusterStatus; message?: string }
  /** The cluster's clients progressed, or the live verdict of their history changed. */
  | { type: 'cluster-clients'; clusterId: string; view: ClientsView }
  /** A grading run began: the tests it will run, in order (their verdicts follow as `grade-progress`). */
  | { type: 'grade-started'; labId: string; runId: string; tests: GradeTestRef[] }
  | { type: 'grade-progress'; labId: string; runId: string; done: number; total: number; verdict?: Verdict }
  /**
   * A student file changed on disk: saved by another window (or by this one: compare `version`), or
   * edited in another editor.
   */
  | { type: 'file-changed'; labId: string; name: string; text: string; mtimeMs: number; version: string }
  | { type: 'progress-changed'; labId: string; progress: LabProgress };

export type AppEventType = AppEvent['type'];
export type AppEventListener = (event: AppEvent) => void;

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

export interface PaxLabApi {
  getAppInfo(): Promise<AppInfo>;

  listLabs(): Promise<LabSummary[]>;
  getLab(labId: string): Promise<LabDetail>;

  /** The student's file for a lab; created from the starter on first open. */
  readLabFile(labId: string, name: string): Promise<WorkspaceFile>;
  /** Autosave: atomic write of the whole file; refused with `conflict` when `baseVersion` is stale. */
  writeLabFile(labId: string, name: string, text: string, options?: WriteOptions): Promise<WriteResult>;
  /** Restore the starter; the previous text is kept as the next numbered backup (`<name>.<n>.bak`). */
  resetLabFile(labId: string, name: string): Promise<ResetResult>;

  /** Build (bundle + type-check) the student's module and return diagnostics. */
  buildLab(labId: string): Promise<BuildResult>;
  /** Run the public tests; `grade-progress` events stream while it runs. */
  gradeLab(labId: string): Promise<GradeReportView>;

  startCluster(options: ClusterStartOptions): Promise<ClusterInfo>;
  stopCluster(clusterId: string): Promise<void>;
  crashNode(clusterId: string, node: number): Promise<void>;
  restartNode(clusterId: string, node: number): Promise<void>;
  /** Pause a node with SIGSTOP: it keeps its state and connections but runs nothing until resumed. */
  pauseNode(clusterId: string, node: number): Promise<void>;
  /** Continue a paused node (SIGCONT); it then handles everything that reached it meanwhile. */
  resumeNode(clusterId: string, node: number): Promise<void>;
  /** Start the cluster's client sessions (when it was started with `clients.start` false). */
  startClients(clusterId: string): Promise<void>;
  /** End the client sessions: an operation still outstanding is recorded as unknown (`info`). */
  stopClients(clusterId: string): Promise<void>;
  /** The clients' figures and live verdict now (null when the cluster has no clients). */
  getClients(clusterId: string): Promise<ClientsView | null>;
  /** Cut (`up` false) or restore a link, both directions. */
  setLink(clusterId: string, a: number, b: number, up: boolean): Promise<void>;
  setNetwork(clusterId: string, network: Partial<NetworkConfig>): Promise<NetworkConfig>;
  partition(clusterId: string, groups: number[][]): Promise<void>;
  heal(clusterId: string): Promise<void>;
  clientRequest(clusterId: string, node: number, value: string): Promise<{ requestId: string }>;
  snapshotNode(clusterId: string, node: number): Promise<NodeSnapshot>;
  /** The cluster's trace from `sinceSeq` on (for catching up after a reconnect). */
  getClusterTrace(clusterId: string, sinceSeq?: number): Promise<TraceEvent[]>;

  listTraces(): Promise<TraceFileInfo[]>;
  exportTrace(request: ExportTraceRequest): Promise<ExportedTrace>;
  /** Validate and store a trace the user picked (its JSON lines text). */
  importTrace(name: string, text: string): Promise<ImportedTrace>;
  readTrace(name: string): Promise<TraceEvent[]>;

  /** The `@paxlab/sdk` declaration files for the editor's IntelliSense. */
  getSdkTypes(): Promise<SdkTypeFile[]>;

  /** Judge the clients' history of a trace (linearizability, exactly-once appends). */
  checkHistory(source: TraceSource, model?: HistoryModel): Promise<HistoryReport>;
  /** Rerun a recorded real-cluster trace with the reference node code; does it reproduce every output? */
  replayTrace(source: TraceSource): Promise<ReplayView>;

  /** The course's chapters in order, with the student's progress. */
  listCourse(): Promise<CourseChapterSummary[]>;
  getChapter(chapterId: string): Promise<CourseChapterDetail>;
  /**
   * Run a pinned execution of the chapter (its Predict script unless named) on real node processes:
   * the naive protocol (Break) or the student's file (Fix), judged by the chapter's checks.
   */
  runChapterScript(chapterId: string, code: 'naive' | 'student', script?: string): Promise<ChapterRunView>;
  /** A seed story the chapter plays, with its narration. */
  playChapterStory(chapterId: string, story: string): Promise<ChapterStoryView>;
  /** Record a step of the chapter (a prediction, played); returns the chapter's progress. */
  recordChapterProgress(chapterId: string, patch: ChapterProgressPatch): Promise<ChapterProgress>;

  /** Subscribe to the event stream; returns the unsubscribe function. */
  onEvent(listener: AppEventListener): () => void;
}

/** Every request/response method (everything but the event subscription). */
export type ApiMethod = Exclude<keyof PaxLabApi, 'onEvent'>;
/** The host side implements the methods; subscription is the transport's job. */
export type PaxLabService = Pick<PaxLabApi, ApiMethod> & {
  subscribe(listener: AppEventListener): () => void;
};

// ---------------------------------------------------------------------------------------------
// Transport contract
// ---------------------------------------------------------------------------------------------

export const API_METHODS = [
  'getAppInfo',
  'listLabs',
  'getLab',
  'readLabFile',
  'writeLabFile',
  'resetLabFile',
  'buildLab',
  'gradeLab',
  'startCluster',
  'stopCluster',
  'crashNode',
  'restartNode',
  'pauseNode',
  'resumeNode',
  'startClients',
  'stopClients',
  'getClients',
  'setLink',
  'setNetwork',
  'partition',
  'heal',
  'clientRequest',
  'snapshotNode',
  'getClusterTrace',
  'listTraces',
  'exportTrace',
  'importTrace',
  'readTrace',
  'getSdkTypes',
  'checkHistory',
  'replayTrace',
  'listCourse',
  'getChapter',
  'runChapterScript',
  'playChapterStory',
  'recordChapterProgress',
] as const satisfies readonly ApiMethod[];

// Compile-time check that API_METHODS lists every method exactly.
type _Missing = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
const _allListed: [_Missing] extends [never] ? true : _Missing = true;
void _allListed;

/** IPC channel per method (Electron), also the method names of the WebSocket JSON-RPC. */
export const API_CHANNELS = Object.fromEntries(API_METHODS.map((m) => [m, `paxlab:${m}`])) as {
  readonly [K in ApiMethod]: `paxlab:${K}`;
};
/** The one channel main pushes {@link AppEvent}s on. */
export const EVENT_CHANNEL = 'paxlab:event';

export type ApiErrorCode = 'bad-argument' | 'not-found' | 'conflict' | 'unavailable' | 'internal';

/** What every transport answers a call with. */
export type ApiReply<T = unknown> = { ok: true; value: T } | { ok: false; error: { code: ApiErrorCode; message: string } };

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The words every refused stale write's message carries (see {@link isStaleWrite}). */
export const STALE_WRITE_TEXT = 'was changed elsewhere';

/**
 * Whether an error is a write refused because the file changed since the version it named. Checks
 * the code, and the message too: Electron's context bridge hands the page an error's message only.
 */
export function isStaleWrite(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === 'conflict' || (typeof e?.message === 'string' && e.message.includes(STALE_WRITE_TEXT));
}

/** Turn a reply envelope back into a value or a thrown {@link ApiError}. */
export function unwrapReply<T>(reply: ApiReply<T>): T {
  if (reply && typeof reply === 'object' && reply.ok === true) return reply.value;
  if (reply && typeof reply === 'object' && reply.ok === false && reply.error) {
    throw new ApiError(reply.error.code, reply.error.message);
  }
  throw new ApiError('internal', 'malformed reply from the PaxLab host');
}

/** Run a host-side call and wrap its outcome; unknown errors become `internal`. */
export async function toReply<T>(call: () => Promise<T> | T): Promise<ApiReply<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: { code: err.code, message: err.message } };
    return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
  }
}

// WebSocket JSON-RPC frames (`paxlab serve`).
export interface RpcRequest {
  id: number;
  method: ApiMethod;
  args: unknown[];
}
export interface RpcResponse {
  id: number;
  reply: ApiReply;
}
export interface RpcEventFrame {
  event: AppEvent;
}
/** The WebSocket path of `paxlab serve`; the session token goes in the `token` query parameter. */
export const WS_PATH = '/api';

// ---------------------------------------------------------------------------------------------
// Argument validators: bad input from the renderer is rejected with `bad-argument`, never a crash.
// ---------------------------------------------------------------------------------------------

type Check<T> = (v: unknown, at: string) => T;

const fail = (at: string, what: string): never => {
  throw new ApiError('bad-argument', `${at}: expected ${what}`);
};

const LAB_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** A plain file name: no folders, no dot files, no `..`. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAX_TEXT = 2 * 1024 * 1024;
const MAX_TRACE_TEXT = 64 * 1024 * 1024;

const labId: Check<string> = (v, at) => (typeof v === 'string' && LAB_ID.test(v) ? v : fail(at, 'a lab id'));
const fileName: Check<string> = (v, at) =>
  typeof v === 'string' && FILE_NAME.test(v) && !v.includes('..') ? v : fail(at, 'a plain file name');
const text =
  (max: number): Check<string> =>
  (v, at) =>
    typeof v === 'string' && v.length <= max ? v : fail(at, `a string of at most ${max} characters`);
const int =
  (min: number, max: number): Check<number> =>
  (v, at) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fail(at, `an integer in ${min}..${max}`);
const num =
  (min: number, max: number): Check<number> =>
  (v, at) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : fail(at, `a number in ${min}..${max}`);
const bool: Check<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, 'true or false'));
const id: Check<string> = (v, at) =>
  typeof v === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(v) ? v : fail(at, 'an id');
const verdictId: Check<string> = (v, at) =>
  typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9:/._-]{0,199}$/.test(v) ? v : fail(at, 'a test id');
const optional =
  <T>(c: Check<T>): Check<T | undefined> =>
  (v, at) =>
    v === undefined || v === null ? undefined : c(v, at);
const oneOf =
  <T extends string>(...vals: T[]): Check<T> =>
  (v, at) =>
    vals.includes(v as T) ? (v as T) : fail(at, vals.map((x) => `'${x}'`).join(' or '));
const arrayOf =
  <T>(c: Check<T>, max: number): Check<T[]> =>
  (v, at) => {
    if (!Array.isArray(v) || v.length > max) return fail(at, `an array of at most ${max} items`);
    return v.map((x, i) => c(x, `${at}[${i}]`));
  };
const object =
  <T extends object>(shape: { [K in keyof T]: Check<T[K]> }): Check<T> =>
  (v, at) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(at, 'an object');
    for (const key of Object.keys(v)) if (!(key in shape)) fail(`${at}.${key}`, 'no such field');
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(shape) as (keyof T & string)[]) {
      const value = shape[key]((v as Record<string, unknown>)[key], `${at}.${key}`);
      if (value !== undefined) out[key] = value;
    }
    return out as T;
  };

const NODE = int(1, 7);
const network: Check<Partial<NetworkConfig>> = (v, at) => {
  const cfg = object<Partial<NetworkConfig>>({
    loss: optional(num(0, 1)),
    dup: optional(num(0, 1)),
    minDelayMs: optional(num(0, 10_000)),
    maxDelayMs: optional(num(0, 10_000)),
    requestLoss: optional(num(0, 1)),
    replyLoss: optional(num(0, 1)),
  })(v, at);
  if (cfg.minDelayMs !== undefined && cfg.maxDelayMs !== undefined && cfg.minDelayMs > cfg.maxDelayMs) {
    fail(at, 'minDelayMs ≤ maxDelayMs');
  }
  return cfg;
};
const roleSource = optional(oneOf<RoleSource>('reference', 'student'));
const traceEvents: Check<TraceEvent[]> = (v, at) => {
  const events = arrayOf((e, a) => (typeof e === 'object' && e !== null && typeof (e as { type?: unknown }).type === 'string' ? (e as TraceEvent) : fail(a, 'a trace event')), 2_000_000)(v, at);
  return events;
};
const traceSource: Check<TraceSource> = (v, at) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(at, 'a trace source: {clusterId}, {name} or {events}');
  const keys = Object.keys(v);
  if (keys.length !== 1) return fail(at, 'exactly one of clusterId, name or events');
  const r = v as Record<string, unknown>;
  if ('clusterId' in r) return { clusterId: id(r.clusterId, `${at}.clusterId`) };
  if ('name' in r) return { name: fileName(r.name, `${at}.name`) };
  if ('events' in r) return { events: traceEvents(r.events, `${at}.events`) };
  return fail(at, 'a trace source: {clusterId}, {name} or {events}');
};
const groups: Check<number[][]> = (v, at) => {
  const gs = arrayOf(arrayOf(NODE, 7), 7)(v, at);
  const seen = new Set<number>();
  for (const g of gs) for (const n of g) {
    if (seen.has(n)) fail(at, 'groups that do not share a node');
    seen.add(n);
  }
  if (gs.filter((g) => g.length > 0).length < 2) fail(at, 'at least two non-empty groups');
  return gs;
};

/** Arity and shape of every method's arguments, checked before the host runs the call. */
type Checks<T extends unknown[]> = { [I in keyof T]-?: Check<T[I]> };
type ArgChecks = { [K in ApiMethod]: Checks<Parameters<PaxLabApi[K]>> };

const ARG_CHECKS: ArgChecks = {
  getAppInfo: [],
  listLabs: [],
  getLab: [labId],
  readLabFile: [labId, fileName],
  writeLabFile: [
    labId,
    fileName,
    text(MAX_TEXT),
    optional(object<WriteOptions>({ baseVersion: optional((v, at) => (typeof v === 'string' && /^[0-9a-f]{16}$/.test(v) ? v : fail(at, 'a file version'))), backupReplaced: optional(bool) })),
  ],
  resetLabFile: [labId, fileName],
  buildLab: [labId],
  gradeLab: [labId],
  startCluster: [
    (v, at) => {
      const o = object<ClusterStartOptions>({
        nodes: int(1, 7),
        roles: optional(object({ acceptor: roleSource, proposer: roleSource, learner: roleSource })),
        seed: optional(int(0, 2 ** 31 - 1)),
        network: optional(network),
        clients: optional(
          object<{ count: number; workload: string; thinkMs?: number; start?: boolean }>({ count: int(1, 20), workload: text(200), thinkMs: optional(int(0, 60_000)), start: optional(bool) }),
        ),
        service: optional(object<{ machine: 'kv' | 'lock' | 'log' }>({ machine: oneOf<'kv' | 'lock' | 'log'>('kv', 'lock', 'log') })),
        chapter: optional(object<{ id: string; code: 'naive' | 'student' }>({ id: labId, code: oneOf<'naive' | 'student'>('naive', 'student') })),
      })(v, at);
      // A Paxos cluster needs three nodes; a course chapter's cluster is its own size (one server and up).
      if (!o.chapter && o.nodes < 3) fail(`${at}.nodes`, 'an integer in 3..7');
      if (o.chapter && (o.service || o.roles)) fail(at, 'a chapter cluster without roles or service');
      return o;
    },
  ],
  stopCluster: [id],
  crashNode: [id, NODE],
  restartNode: [id, NODE],
  pauseNode: [id, NODE],
  resumeNode: [id, NODE],
  startClients: [id],
  stopClients: [id],
  getClients: [id],
  setLink: [id, NODE, NODE, bool],
  setNetwork: [id, network],
  partition: [id, groups],
  heal: [id],
  clientRequest: [id, NODE, text(1024)],
  snapshotNode: [id, NODE],
  getClusterTrace: [id, optional(int(0, Number.MAX_SAFE_INTEGER))],
  listTraces: [],
  exportTrace: [
    (v, at) => {
      const req = object<ExportTraceRequest>({
        clusterId: optional(id),
        events: optional(traceEvents),
        run: optional(object<{ runId: string; verdictId: string }>({ runId: id, verdictId: verdictId })),
        name: optional(fileName),
      })(v, at);
      if ([req.clusterId, req.events, req.run].filter((x) => x !== undefined).length !== 1) fail(at, 'exactly one of clusterId, events or run');
      return req;
    },
  ],
  importTrace: [fileName, text(MAX_TRACE_TEXT)],
  readTrace: [fileName],
  getSdkTypes: [],
  checkHistory: [traceSource, optional(oneOf<HistoryModel>('kv', 'lock', 'log'))],
  replayTrace: [traceSource],
  listCourse: [],
  getChapter: [labId],
  runChapterScript: [labId, oneOf<'naive' | 'student'>('naive', 'student'), optional(fileName)],
  playChapterStory: [labId, fileName],
  recordChapterProgress: [labId, object<ChapterProgressPatch>({ prediction: optional(id), played: optional(bool) })],
};

/**
 * Check the arguments of a call from the renderer. Returns them normalized (unknown object fields
 * rejected, null optional fields dropped); throws {@link ApiError} `bad-argument` otherwise.
 */
export function validateArgs<K extends ApiMethod>(method: K, args: unknown): Parameters<PaxLabApi[K]> {
  if (!isApiMethod(method)) throw new ApiError('bad-argument', `unknown method ${String(method)}`);
  if (!Array.isArray(args)) throw new ApiError('bad-argument', `${method}: arguments must be an array`);
  const checks = ARG_CHECKS[method] as Check<unknown>[];
  // Trailing optional arguments may be left out, never added.
  if (args.length > checks.length) throw new ApiError('bad-argument', `${method}: at most ${checks.length} argument(s)`);
  return checks.map((check, i) => check(args[i], `${method} argument ${i + 1}`)) as Parameters<PaxLabApi[K]>;
}

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHODS as readonly string[]).includes(name);
}

// ---------------------------------------------------------------------------------------------
// Small shared helpers
// ---------------------------------------------------------------------------------------------

/**
 * The log lines the supervisor records when it pauses (SIGSTOP) and resumes (SIGCONT) a node: the
 * trace is where the playground learns a node's paused state, in order with its crashes and restarts.
 */
export const NODE_PAUSED_TEXT = 'paused by the supervisor (SIGSTOP)';
export const NODE_RESUMED_TEXT = 'resumed by the supervisor (SIGCONT)';

/** Partition presets for the playground: a majority/minority split and an isolated leader. */
export function partitionPresets(n: number): { label: string; groups: number[][] }[] {
  const nodes = Array.from({ length: n }, (_, i) => i + 1);
  const minority = Math.floor((n - 1) / 2);
  const fmt = (gs: number[][]) => gs.map((g) => `{${g.join(',')}}`).join(' | ');
  const presets: number[][][] = [
    [nodes.slice(0, n - minority), nodes.slice(n - minority)],
    [nodes.slice(0, minority), nodes.slice(minority)],
    [[1], nodes.slice(1)],
  ];
  const seen = new Set<string>();
  return presets
    .filter((gs) => gs.every((g) => g.length > 0))
    .map((gs) => ({ label: fmt(gs), groups: gs }))
    .filter((p) => (seen.has(p.label) ? false : (seen.add(p.label), true)));
}

/**
 * The playground: one running (or imported) trace, the diagram's index over it, and the view state
 * (live, paused or scrubbed; selection; which message kinds are shown). Events arrive in batches;
 * they go into plain arrays (never deep-reactive: 10k+ events) and a `version` counter tells the
 * diagram to redraw.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, reactive, ref, shallowRef } from 'vue';
import type { ClusterInfo, ClusterStartOptions, NetworkConfig, NodeSnapshot, TraceEvent } from '../api/types.js';
import { TraceIndex, type Arrow, type AxisMode } from '../diagram/trace-index.js';
import { emptySummaryBase, foldIntoBase, summarize } from '../diagram/summary.js';
import { chooseLeader } from '../diagram/leader.js';
import { messageOf, useAppStore } from './app.js';

/** The live trace's bound when the cluster does not name one (as the app service's default). */
const DEFAULT_TRACE_BOUND = 200_000;

/** Message kinds that flood the diagram and say little about the protocol: hidden by default. */
export const NOISY_KINDS = ['heartbeat'];

/** The `leader` a node's snapshot reports (the node's own state may be nested under `state`). */
function leaderIn(state: unknown): unknown {
  const o = state as { leader?: unknown; state?: { leader?: unknown } } | null;
  return o?.leader ?? o?.state?.leader;
}

export const useClusterStore = defineStore('cluster', () => {
  const app = useAppStore();
  const info = ref<ClusterInfo | null>(null);
  const starting = ref(false);
  const title = ref<string>('');
  /** The stored file name of an imported trace (for the history check and the replay). */
  const traceName = ref<string | null>(null);
  const source = ref<'live' | 'import' | 'none'>('none');
  /** Every event of the trace, filtered or not. */
  const raw = shallowRef<TraceEvent[]>(markRaw([]));
  const index = shallowRef<TraceIndex>(markRaw(new TraceIndex()));
  const version = ref(0);
  const hidden = reactive(new Set<string>([...NOISY_KINDS, 'timer', 'log']));
  const axis = ref<AxisMode>('order');
  /** Live: the view follows the newest event. Otherwise `limit` events are shown. */
  const live = ref(true);
  const limit = ref(0);
  const selectedArrow = shallowRef<Arrow | null>(null);
  const selectedEvent = ref<number | null>(null);
  const selectedNode = ref<number | null>(null);
  const snapshots = reactive<Record<number, NodeSnapshot>>({});
  const kindById = new Map<number, string>();
  const pendingByCluster = new Map<string, TraceEvent[]>();
  /** Status changes that arrive while startCluster's reply is still on its way. */
  const pendingStatus = new Map<string, ClusterInfo['status']>();
  let lastSeq = -1;
  /** Live batches that arrived while the events missed in a gap are being fetched. */
  let heldBack: TraceEvent[][] | null = null;
  /** What the events discarded from the front of a bounded live trace left behind. */
  let base = emptySummaryBase();
  let redrawQueued = false;
  let pollTimer: ReturnType<typeof setInterval> | undefined;

  const shown = computed(() => {
    void version.value;
    return live.value ? index.value.length : Math.min(limit.value, index.value.length);
  });
  /** The cluster as it is now (for the controls), whatever the diagram's playhead shows. */
  const summary = computed(() => {
    void version.value;
    return summarize(index.value, index.value.length, base);
  });
  /** The cluster as of the playhead (paused or scrubbed view). */
  const playhead = computed(() => (live.value ? summary.value : summarize(index.value, shown.value, base)));
  /** How many older events of the live trace are gone (discarded by the cluster or here). */
  const discarded = computed(() => {
    void version.value;
    const r = raw.value;
    return source.value === 'live' && r.length > 1 && r[0].type === 'meta' ? r[1].seq - 1 : 0;
  });
  const running = computed(() => info.value !== null && (info.value.status === 'running' || info.value.status === 'starting'));
  /** When each snapshot was asked for, as the trace's newest seq then (for the inspector and the crown). */
  const snapshotAt = reactive<Record<number, { seq: number; at: number }>>({});
  /** Each node's latest crash or restart (seq): a snapshot from before it says nothing about now. */
  const lastLifeEvent = new Map<number, number>();
  /** The crown: see chooseLeader. Paused or replaying, the trace's leader at the playhead. */
  const leader = computed<number | null>(() => {
    if (!live.value || !running.value) return playhead.value.leader;
    const votes = Object.values(snapshots).map((s) => ({ node: s.node, up: s.up, leader: leaderIn(s.state), takenAtSeq: snapshotAt[s.node]?.seq ?? -1 }));
    return chooseLeader(votes, summary.value.down, lastLifeEvent, summary.value.leader);
  });


  function isShown(e: TraceEvent): boolean {
    switch (e.type) {
      case 'send':
      case 'deliver':
        return !hidden.has(e.msg.kind);
      case 'drop':
      case 'duplicate':
      case 'delay':
        return !hidden.has(kindById.get(e.id) ?? '?');
      default:
        return !hidden.has(e.type);
    }
  }

  function ingest(events: TraceEvent[]): void {
    const idx = index.value;
    for (const e of events) {
      if (source.value === 'live') {
        if (e.seq <= lastSeq) continue;
        lastSeq = e.seq;
      }
      raw.value.push(e);
      if (e.type === 'send') kindById.set(e.id, e.msg.kind);
      if (e.type === 'crash' || e.type === 'restart') lastLifeEvent.set(e.node, e.seq);
      if (isShown(e)) idx.append(e);
    }
    discardOldest();
    queueRedraw();
  }

  /**
   * Keep a live trace within the cluster's bound: past it, drop the oldest tenth (the meta line
   * stays) and re-index, keeping the playhead and the selection on the same events.
   */
  function discardOldest(): void {
    const max = info.value?.maxTraceEvents ?? DEFAULT_TRACE_BOUND;
    const r = raw.value;
    if (source.value !== 'live' || r.length <= max) return;
    const removed = r.splice(1, r.length - (max - Math.ceil(max / 10)));
    foldIntoBase(base, removed);
    for (const e of removed) if (e.type === 'send') kindById.delete(e.id);
    const old = index.value;
    const idx = markRaw(new TraceIndex());
    for (const e of r) if (isShown(e)) idx.append(e);
    const gone = old.length - idx.length;
    const sel = selectedEvent.value;
    if (sel !== null) selectedEvent.value = idx.events[sel - gone] === old.events[sel] ? sel - gone : sel === 0 ? 0 : null;
    const arrow = selectedArrow.value;
    if (arrow) selectedArrow.value = idx.arrows.find((a) => a.id === arrow.id && a.copy === arrow.copy) ?? null;
    if (!live.value) limit.value = Math.max(0, limit.value - gone);
    index.value = idx;
  }

  function queueRedraw(): void {
    if (redrawQueued) return;
    redrawQueued = true;
    requestAnimationFrame(() => {
      redrawQueued = false;
      version.value++;
    });
  }

  function reindex(): void {
    const idx = markRaw(new TraceIndex());
    for (const e of raw.value) if (isShown(e)) idx.append(e);
    index.value = idx;
    selectedArrow.value = null;
    selectedEvent.value = null;
    if (!live.value) limit.value = idx.length;
    version.value++;
  }

  function reset(src: 'live' | 'import' | 'none', events: TraceEvent[] = []): void {
    raw.value = markRaw([]);
    kindById.clear();
    lastSeq = -1;
    heldBack = null;
    base = emptySummaryBase();
    source.value = src;
    live.value = src === 'live';
    for (const k of Object.keys(snapshots)) delete snapshots[Number(k)];
    for (const k of Object.keys(snapshotAt)) delete snapshotAt[Number(k)];
    lastLifeEvent.clear();
    index.value = markRaw(new TraceIndex());
    selectedArrow.value = null;
    selectedEvent.value = null;
    selectedNode.value = null;
    ingest(events);
    limit.value = index.value.length;
    version.value++;
  }

  async function start(options: ClusterStartOptions): Promise<void> {
    if (starting.value) return;
    starting.value = true;
    try {
      if (info.value && running.value) await stop();
      reset('live');
      const ci = await app.need().startCluster(options);
      const early = pendingStatus.get(ci.clusterId);
      pendingStatus.clear();
      info.value = early && ci.status === 'starting' ? { ...ci, status: early } : ci;
      title.value = `Live cluster of ${ci.nodes.length} nodes`;
      ingest(pendingByCluster.get(ci.clusterId) ?? []);
      pendingByCluster.clear();
      ingest(await app.need().getClusterTrace(ci.clusterId, lastSeq + 1));
      startPolling();
    } catch (err) {
      app.notify(`Could not start the cluster: ${messageOf(err)}`, 'error');
    } finally {
      starting.value = false;
    }
  }

  async function stop(): Promise<void> {
    const ci = info.value;
    stopPolling();
    if (!ci) return;
    try {
      await app.need().stopCluster(ci.clusterId);
    } catch (err) {
      app.notify(`Stop failed: ${messageOf(err)}`, 'error');
    }
    ci.status = 'stopped';
  }

  /** Run a control call against the running cluster, reporting failures. */
  async function control<T>(what: string, fn: (clusterId: string) => Promise<T>): Promise<T | undefined> {
    const ci = info.value;
    if (!ci || !running.value) {
      app.notify('Start a cluster first', 'error');
      return undefined;
    }
    try {
      return await fn(ci.clusterId);
    } catch (err) {
      app.notify(`${what} failed: ${messageOf(err)}`, 'error');
      return undefined;
    }
  }

  const crash = (n: number) => control(`Crash S${n}`, (id) => app.need().crashNode(id, n));
  const restart = (n: number) => control(`Restart S${n}`, (id) => app.need().restartNode(id, n));
  const setLink = (a: number, b: number, up: boolean) => control('Link', (id) => app.need().setLink(id, a, b, up));
  const partition = (groups: number[][]) => control('Partition', (id) => app.need().partition(id, groups));
  const heal = () => control('Heal', (id) => app.need().heal(id));
  const request = (n: number, value: string) => control('Client request', (id) => app.need().clientRequest(id, n, value));
  async function setNetwork(net: Partial<NetworkConfig>): Promise<void> {
    const cfg = await control('Network', (id) => app.need().setNetwork(id, net));
    if (cfg && info.value) info.value.network = cfg;
  }

  async function snapshot(n: number): Promise<void> {
    const ci = info.value;
    if (!ci) return;
    try {
      const seq = lastSeq;
      const snap = await app.need().snapshotNode(ci.clusterId, n);
      if (info.value?.clusterId !== ci.clusterId) return;
      snapshots[n] = snap;
      snapshotAt[n] = { seq, at: Date.now() };
    } catch {
      /* a node that is starting or gone has no snapshot; the inspector says so */
    }
  }

  function startPolling(): void {
    stopPolling();
    const poll = () => {
      if (!running.value || app.route.name !== 'playground') return;
      for (const n of info.value!.nodes) void snapshot(n);
    };
    poll();
    pollTimer = setInterval(poll, 500);
  }

  function stopPolling(): void {
    clearInterval(pollTimer);
  }

  function pause(): void {
    if (!live.value) return;
    limit.value = index.value.length;
    live.value = false;
  }

  function resume(): void {
    live.value = true;
  }

  function step(delta: number): void {
    if (live.value) pause();
    limit.value = Math.max(0, Math.min(index.value.length, limit.value + delta));
  }

  function scrub(to: number): void {
    if (live.value) pause();
    limit.value = Math.max(0, Math.min(index.value.length, Math.round(to)));
  }

  function toggleKind(kind: string): void {
    if (hidden.has(kind)) hidden.delete(kind);
    else hidden.add(kind);
    reindex();
  }

  function closeInspector(): boolean {
    const open = selectedArrow.value !== null || selectedEvent.value !== null || selectedNode.value !== null;
    selectedArrow.value = null;
    selectedEvent.value = null;
    selectedNode.value = null;
    return open;
  }

  /** The trace's meta line, and whether its run had clients (format /2). */
  const meta = computed(() => {
    void version.value;
    const m = raw.value[0];
    return m?.type === 'meta' ? m : null;
  });
  const hasClients = computed(() => (meta.value?.clients?.length ?? 0) > 0);

  /** Select the event with this seq in the diagram (showing it if the playhead is before it); its index. */
  function selectSeq(seq: number): number | null {
    const i = index.value.events.findIndex((e) => e.seq === seq);
    if (i < 0) return null;
    selectedEvent.value = i;
    selectedArrow.value = null;
    selectedNode.value = null;
    if (!live.value && limit.value <= i) limit.value = i + 1;
    return i;
  }

  function loadTrace(events: TraceEvent[], name: string): void {
    stopPolling();
    selectedNode.value = null;
    info.value = null;
    title.value = `Trace ${name}`;
    traceName.value = name;
    reset('import', events);
    live.value = false;
    limit.value = index.value.length;
  }

  async function exportTrace(): Promise<{ name: string; text: string } | undefined> {
    try {
      const req = source.value === 'live' && info.value
        ? { clusterId: info.value.clusterId }
        : { events: raw.value };
      const out = await app.need().exportTrace(req);
      app.notify(`Trace saved as ${out.name}`);
      return out;
    } catch (err) {
      app.notify(`Export failed: ${messageOf(err)}`, 'error');
      return undefined;
    }
  }

  async function importTrace(name: string, text: string): Promise<void> {
    try {
      const safe = name.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[._-]+/, '') || 'trace.jsonl';
      const out = await app.need().importTrace(safe, text);
      loadTrace(out.events, out.info.name);
    } catch (err) {
      app.notify(`Import failed: ${messageOf(err)}`, 'error');
    }
  }

  app.onEvent((e) => {
    if (e.type === 'cluster-events') {
      if (info.value?.clusterId === e.clusterId && source.value === 'live') {
        if (heldBack) heldBack.push(e.events);
        else if (e.events.length && e.events[0].seq > lastSeq + 1 && lastSeq >= 0) {
          // A gap (reconnect): fetch what was missed first, holding back this batch and any that
          // follow, so events land in seq order and none is mistaken for a duplicate.
          heldBack = [e.events];
          const clusterId = e.clusterId;
          void app
            .need()
            .getClusterTrace(clusterId, lastSeq + 1)
            .then(ingest, () => {})
            .finally(() => {
              const batches = heldBack ?? [];
              heldBack = null;
              if (info.value?.clusterId === clusterId) for (const b of batches) ingest(b);
            });
        } else ingest(e.events);
      } else if (starting.value) {
        const buf = pendingByCluster.get(e.clusterId) ?? [];
        buf.push(...e.events);
        pendingByCluster.set(e.clusterId, buf);
      }
    } else if (e.type === 'cluster-status' && starting.value && info.value?.clusterId !== e.clusterId) {
      pendingStatus.set(e.clusterId, e.status);
    } else if (e.type === 'cluster-status' && info.value?.clusterId === e.clusterId) {
      info.value.status = e.status;
      if (e.status === 'failed') app.notify(`Cluster failed${e.message ? `: ${e.message}` : ''}`, 'error');
      if (e.status === 'stopped' || e.status === 'failed') stopPolling();
    }
  });

  return {
    info, starting, title, traceName, meta, hasClients, selectSeq, source, raw, index, version, discarded, hidden, axis, live, limit, shown, summary, playhead, leader, running,
    selectedArrow, selectedEvent, selectedNode, snapshots, snapshotAt, closeInspector,
    start, stop, crash, restart, setLink, partition, heal, request, setNetwork, snapshot,
    pause, resume, step, scrub, toggleKind, loadTrace, exportTrace, importTrace, reindex,
  };
});

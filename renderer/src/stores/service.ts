/**
 * The playground's Multi-Paxos side: the clients' figures and live verdict the engine pushes
 * (`cluster-clients` events), pause/resume of nodes, and each node's latest log view taken from
 * its own snapshot (the cluster store polls them). Who is paused comes from the trace. A paused
 * node cannot answer a snapshot: its last view is kept and drawn as stale.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import type { ClientsView, MultiNodeView } from '../api/types.js';
import { messageOf, useAppStore } from './app.js';
import { useClusterStore } from './cluster.js';
import { foldPauses, multiViewOf, nodeCondition, type NodeCondition } from '../multipaxos/view-model.js';

export const useServiceStore = defineStore('service', () => {
  const app = useAppStore();
  const cluster = useClusterStore();
  const clients = shallowRef<ClientsView | null>(null);
  /** Each node's newest Multi-Paxos view (kept while it is paused or down). */
  const views = reactive<Record<number, MultiNodeView>>({});
  /** Paused nodes, as the trace says (the supervisor's pause and resume lines). */
  const paused = reactive(new Set<number>());
  const busy = ref(false);

  const isService = computed(() => cluster.info?.service !== undefined && cluster.source === 'live');
  const clusterId = computed(() => cluster.info?.clusterId ?? null);

  watch(clusterId, () => {
    clients.value = null;
    paused.clear();
    // A page opened on a running cluster: its trace so far says who is paused.
    foldPauses(paused, cluster.raw);
    for (const k of Object.keys(views)) delete views[Number(k)];
    // The first figures may have gone out before this window knew the cluster's id.
    void refreshClients();
  });

  watch(
    () => ({ ...cluster.snapshots }),
    (snaps) => {
      for (const [k, snap] of Object.entries(snaps)) {
        const n = Number(k);
        const v = multiViewOf(snap);
        if (v) views[n] = v;
      }
    },
  );

  function condition(n: number): NodeCondition {
    return nodeCondition(cluster.snapshots[n], cluster.summary.down.has(n), paused.has(n));
  }

  async function call(what: string, fn: (id: string) => Promise<unknown>): Promise<boolean> {
    const id = clusterId.value;
    if (!id || !cluster.running) return false;
    busy.value = true;
    try {
      await fn(id);
      return true;
    } catch (err) {
      app.notify(`${what} failed: ${messageOf(err)}`, 'error');
      return false;
    } finally {
      busy.value = false;
    }
  }

  async function pause(n: number): Promise<void> {
    await call(`Pause S${n}`, (id) => app.need().pauseNode(id, n));
  }
  async function resume(n: number): Promise<void> {
    await call(`Resume S${n}`, (id) => app.need().resumeNode(id, n));
  }
  async function crash(n: number): Promise<void> {
    await cluster.crash(n);
  }
  const startClients = () => call('Start clients', (id) => app.need().startClients(id));
  const stopClients = () => call('Stop clients', (id) => app.need().stopClients(id));

  /** After a reconnect or a late start: ask for the figures instead of waiting for the next event. */
  async function refreshClients(): Promise<void> {
    const id = clusterId.value;
    if (!id) return;
    try {
      const v = await app.need().getClients(id);
      if (clusterId.value === id) clients.value = v;
    } catch {
      /* the cluster is gone; its figures went with it */
    }
  }

  app.onEvent((e) => {
    if (e.type === 'cluster-clients' && e.clusterId === clusterId.value) clients.value = e.view;
    if (e.type === 'cluster-events' && e.clusterId === clusterId.value) foldPauses(paused, e.events);
  });

  return { clients, views, paused, busy, isService, condition, pause, resume, crash, startClients, stopClients, refreshClients };
});

/** The lab catalog and each lab's details, with progress kept current from `progress-changed` events. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { LabDetail, LabSummary } from '../api/types.js';
import { messageOf, useAppStore } from './app.js';

export const useLabsStore = defineStore('labs', () => {
  const app = useAppStore();
  const list = ref<LabSummary[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const details = ref<Record<string, LabDetail>>({});

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      list.value = (await app.need().listLabs()).slice().sort((a, b) => a.order - b.order);
    } catch (err) {
      error.value = messageOf(err);
    } finally {
      loading.value = false;
    }
  }

  async function detail(labId: string): Promise<LabDetail> {
    const cached = details.value[labId];
    if (cached) return cached;
    const d = await app.need().getLab(labId);
    details.value[labId] = d;
    return d;
  }

  app.onEvent((e) => {
    if (e.type !== 'progress-changed') return;
    const lab = list.value.find((l) => l.id === e.labId);
    if (lab) lab.progress = e.progress;
    const d = details.value[e.labId];
    if (d) d.progress = e.progress;
  });

  return { list, loading, error, details, load, detail };
});

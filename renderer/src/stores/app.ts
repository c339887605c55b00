/**
 * App-wide state: the API connection, which screen is shown (kept in the URL hash so reload and the
 * browser's back button work), theme, text size and the help overlay.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef, watch } from 'vue';
import type { AppEvent, AppInfo, PaxLabApi } from '../api/types.js';
import type { ConnectionState, Transport } from '../api/transport.js';

export type Route =
  | { name: 'catalog' }
  | { name: 'lab'; labId: string }
  | { name: 'playground' }
  | { name: 'course' }
  /** A chapter of the course, at a stage (frame, predict, break, fix, play) or playing a seed story. */
  | { name: 'chapter'; chapterId: string; stage?: string; story?: string };
export type Theme = 'light' | 'dark';

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'lab' && parts[1]) return { name: 'lab', labId: decodeURIComponent(parts[1]) };
  if (parts[0] === 'playground') return { name: 'playground' };
  if (parts[0] === 'course') {
    if (!parts[1]) return { name: 'course' };
    const chapterId = decodeURIComponent(parts[1]);
    if (parts[2] === 'story' && parts[3]) return { name: 'chapter', chapterId, stage: 'play', story: decodeURIComponent(parts[3]) };
    return { name: 'chapter', chapterId, ...(parts[2] ? { stage: decodeURIComponent(parts[2]) } : {}) };
  }
  return { name: 'catalog' };
}

export function routeHash(r: Route): string {
  if (r.name === 'lab') return `#/lab/${encodeURIComponent(r.labId)}`;
  if (r.name === 'playground') return '#/playground';
  if (r.name === 'course') return '#/course';
  if (r.name === 'chapter') {
    const base = `#/course/${encodeURIComponent(r.chapterId)}`;
    if (r.story) return `${base}/story/${encodeURIComponent(r.story)}`;
    return r.stage ? `${base}/${encodeURIComponent(r.stage)}` : base;
  }
  return '#/';
}

const SCALE_STEPS = [0.875, 1, 1.125, 1.25, 1.375, 1.5];

export const useAppStore = defineStore('app', () => {
  const api = shallowRef<PaxLabApi | null>(null);
  const connection = ref<ConnectionState>('connecting');
  const info = ref<AppInfo | null>(null);
  const fatal = ref<string | null>(null);
  const route = ref<Route>(parseHash(location.hash));
  const theme = ref<Theme>((localStorage.getItem('paxlab.theme') as Theme) ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  const scale = ref<number>(Number(localStorage.getItem('paxlab.scale')) || 1);
  const helpOpen = ref(false);
  const toast = ref<{ text: string; kind: 'info' | 'error' } | null>(null);
  const listeners = new Set<(e: AppEvent) => void>();
  let toastTimer: ReturnType<typeof setTimeout> | undefined;

  function attach(t: Transport): void {
    api.value = markRaw(t.api);
    connection.value = t.initialState;
    t.onState((s) => (connection.value = s));
    t.api.onEvent((e) => listeners.forEach((l) => l(e)));
    t.api
      .getAppInfo()
      .then((i) => (info.value = i))
      .catch((err) => notify(`Cannot reach PaxLab: ${messageOf(err)}`, 'error'));
  }

  /** The API, or an error when the app is not connected yet. */
  function need(): PaxLabApi {
    if (!api.value) throw new Error('not connected to PaxLab');
    return api.value;
  }

  function onEvent(l: (e: AppEvent) => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  }

  function go(r: Route): void {
    const h = routeHash(r);
    if (location.hash !== h) location.hash = h;
    route.value = r;
  }

  function notify(text: string, kind: 'info' | 'error' = 'info'): void {
    toast.value = { text, kind };
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toast.value = null), kind === 'error' ? 8000 : 3000);
  }

  function toggleTheme(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark';
  }

  function zoom(dir: 1 | -1 | 0): void {
    if (dir === 0) scale.value = 1;
    else {
      const k = SCALE_STEPS.findIndex((s) => s >= scale.value - 1e-6);
      scale.value = SCALE_STEPS[Math.max(0, Math.min(SCALE_STEPS.length - 1, (k < 0 ? 1 : k) + dir))];
    }
  }

  watch(theme, (t) => {
    document.documentElement.dataset.theme = t;
    localStorage.setItem('paxlab.theme', t);
  }, { immediate: true });
  watch(scale, (s) => {
    document.documentElement.style.setProperty('--scale', String(s));
    localStorage.setItem('paxlab.scale', String(s));
  }, { immediate: true });
  window.addEventListener('hashchange', () => (route.value = parseHash(location.hash)));

  return { api, connection, info, fatal, route, theme, scale, helpOpen, toast, attach, need, onEvent, go, notify, toggleTheme, zoom };
});

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

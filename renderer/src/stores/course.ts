/**
 * The guided course: the chapter list with progress, each chapter's details, and the latest Break
 * and Fix runs and played stories per chapter. Runs happen on the host (real node processes); the
 * store only asks and keeps the answers.
 */
import { defineStore } from 'pinia';
import { markRaw, ref } from 'vue';
import type { ChapterProgress, ChapterRunView, ChapterStoryView, CourseChapterDetail, CourseChapterSummary } from '../api/types.js';
import { messageOf, useAppStore } from './app.js';

export interface ChapterRuns {
  break: ChapterRunView | null;
  fix: ChapterRunView | null;
  story: ChapterStoryView | null;
  running: 'break' | 'fix' | 'story' | null;
  error: string | null;
}

export const useCourseStore = defineStore('course', () => {
  const app = useAppStore();
  const list = ref<CourseChapterSummary[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const details = ref<Record<string, CourseChapterDetail>>({});
  const runs = ref<Record<string, ChapterRuns>>({});

  const runsOf = (id: string): ChapterRuns => (runs.value[id] ??= { break: null, fix: null, story: null, running: null, error: null });

  function setProgress(id: string, progress: ChapterProgress): void {
    const c = list.value.find((x) => x.id === id);
    if (c) c.progress = progress;
    const d = details.value[id];
    if (d) d.progress = progress;
  }

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      list.value = await app.need().listCourse();
    } catch (err) {
      error.value = messageOf(err);
    } finally {
      loading.value = false;
    }
  }

  async function detail(id: string): Promise<CourseChapterDetail> {
    const d = await app.need().getChapter(id);
    details.value[id] = d;
    return d;
  }

  async function predict(id: string, choice: string): Promise<void> {
    setProgress(id, await app.need().recordChapterProgress(id, { prediction: choice }));
  }

  async function markPlayed(id: string): Promise<void> {
    setProgress(id, await app.need().recordChapterProgress(id, { played: true }));
  }

  async function run(id: string, what: 'break' | 'fix'): Promise<ChapterRunView | null> {
    const r = runsOf(id);
    if (r.running) return null;
    r.running = what;
    r.error = null;
    try {
      const view = await app.need().runChapterScript(id, what === 'break' ? 'naive' : 'student');
      r[what] = markRaw(view);
      setProgress(id, view.progress);
      return view;
    } catch (err) {
      r.error = messageOf(err);
      return null;
    } finally {
      r.running = null;
    }
  }

  async function story(id: string, name: string): Promise<void> {
    const r = runsOf(id);
    if (r.running) return;
    r.running = 'story';
    r.error = null;
    try {
      const view = await app.need().playChapterStory(id, name);
      r.story = markRaw(view);
      setProgress(id, view.progress);
    } catch (err) {
      r.error = messageOf(err);
    } finally {
      r.running = null;
    }
  }

  return { list, loading, error, details, runs, runsOf, load, detail, predict, markPlayed, run, story };
});

/**
 * The guided course: chapter packs (labs/chapter-N-<slug>/), their tests as data, the checks that
 * name each symptom, random runs under a chapter's fault model, and narration (docs/chapters.md).
 */
export { ChapterPack, ChapterError, listChapters, loadChapter, readChapter, isChapterDir, chapterView, type ChapterView, type ChapterCourse, type ChapterStory, type ChapterSummary, type PredictQuestion } from './pack.js';
export type { ChapterManifest } from './manifest.js';
export { CHECK_NAMES, SYMPTOMS, runCheck, runChecks, checkName, type CheckName, type CheckSpec, type CheckVerdict, type Symptom } from './checks.js';
export { planFaults, faultModelProblem, type FaultModel } from './fault-plan.js';
export { validateTestDef, ChapterTestError, type ChapterTestDef, type PinnedTestDef, type RandomTestDef, type SearchTestDef } from './tests.js';
export { CHAPTER_RULES, CHAPTER_SYMPTOM_RULES, CHAPTER_SCRIPT_RULE } from './rules.js';
export { runRandomSeed, testSeeds, type RandomRun } from './random-run.js';
export { runChapterTest, judgePinned, firstFailure, type TestOutcome } from './run-test.js';
export { resolveNarration, eventMatches, narrationProblem, type NarrationStep, type NarrationPointer, type EventPattern, type ResolvedNarration } from './narration.js';
export { playStory, storyName, type PlayedStory } from './stories.js';

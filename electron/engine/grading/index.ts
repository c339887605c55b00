/** The grading engine's public API (the app, the CLI and tests use only this). */
export { gradeModule, listGradeTests, apportionTenths, safetyVerdict, type SafetyVerdict, openSession, type GradeOptions, type GradeReport, type TestKindName, type Session } from './grade.js';
export { checkLab, mutantHeader, type LabCheckReport, type MutantResult } from './lab-check.js';
export { recordLabTraces, recordAll, type RecordResult, type TraceFileStatus } from './record.js';
export { Sandbox, runInSandbox, type SandboxJob, type SandboxLimits, type SandboxOutcome, type SandboxFailureReason, type StartResult } from './sandbox.js';
export { registerTestKind, testKinds, testKind, type TestKindProvider, type GradeTest, type TestEnv, type TestOutcome, type ListOptions } from './test-kinds.js';
export type { TestResult, Failure, FailureReason, RuleRef, StepRecord } from './verdict.js';
export { API_RULES } from './api-rules.js';
export { formatReportText, formatTestFailure } from './report-text.js';
export { toJUnitXml, xmlEscape } from './report-junit.js';
export { toGradescope, type GradescopeResults } from './report-gradescope.js';
export { listLabs, loadLab, LabError, type LabSummary, LabPack } from '../labs/lab-pack.js';
export { redactHidden, HIDDEN_DETAILS } from './report-redact.js';
export { cleanText } from './clean-text.js';
export { confinement, type Confinement } from './confinement.js';

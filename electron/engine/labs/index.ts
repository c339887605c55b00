export { LabPack, LabError, listLabs, loadLab, type LabSummary, type LoadedTrace } from './lab-pack.js';
export type { LabManifest } from './manifest-schema.js';
export type { ScenarioScript, ScenarioStep } from './scenario-schema.js';
export { ROLE_SPECS, MESSAGE_FIELDS, type RoleName, type RoleSpec, type MethodSpec, type IoKind } from './role-spec.js';
export { messageProblems, brief, isPlainObject } from './message-shape.js';
export * from './role-trace.js';
export { paxlabRoot, setPaxlabRoot, labsDir, sdkEntry, sandboxEntry } from './paths.js';

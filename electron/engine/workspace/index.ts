export { Workspace, type FileChange } from './workspace.js';
export { ProgressStore } from './progress.js';
export { writeFileAtomic } from './atomic-write.js';
export { defaultWorkspaceDir } from './default-dir.js';

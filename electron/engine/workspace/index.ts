export { Workspace, type FileChange, type WriteOptions, type Written } from './workspace.js';
export { ProgressStore } from './progress.js';
export { writeFileAtomic, createFileAtomic, resolveLinkTarget } from './atomic-write.js';
export { listBackups, writeBackup } from './backups.js';
export { fileVersion } from './file-version.js';
export { defaultWorkspaceDir } from './default-dir.js';

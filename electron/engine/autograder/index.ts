export { packageEntries, paxlabVersion, platformTag, PackageError, type PackageEntry, type PackageOptions } from './contents.js';
export { writeZip } from './zip.js';
export { findSubmissionModule, type SubmissionModule } from './submission.js';
export { setupScript, runScript } from './scripts.js';

export {
  buildStudentModule,
  bundleStudentModule,
  prepareTypeCheck,
  typeCheckStudentModule,
  withTypeDiagnostics,
  type BuildOptions,
  type BuildResult,
  type BuildOk,
  type BuildFailed,
} from './build-student.js';
export { formatDiagnostic, type Diagnostic } from './diagnostics.js';

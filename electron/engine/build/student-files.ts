import path from 'node:path';

/** Which files are the student's, and how to name files in diagnostics, for one submission. */
export interface SubmissionFiles {
  root: string;
  isStudentFile(file: string): boolean;
  /** Relative to the submission folder; SDK files as @paxlab/sdk/…; anything else absolute. */
  display(file: string): string;
}

export function submissionFiles(root: string, sdkEntry: string): SubmissionFiles {
  const sdkDir = path.dirname(sdkEntry);
  const inside = (dir: string, file: string) => {
    const rel = path.relative(dir, file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : null;
  };
  return {
    root,
    isStudentFile: (file) => {
      const rel = inside(root, file);
      return rel !== null && !rel.split(path.sep).includes('node_modules');
    },
    display: (file) => {
      const rel = inside(root, file);
      if (rel !== null) return rel.split(path.sep).join('/');
      const relSdk = inside(sdkDir, file);
      if (relSdk !== null) return `@paxlab/sdk/${relSdk.split(path.sep).join('/')}`;
      return file;
    },
  };
}

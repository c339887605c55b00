import { createHash } from 'node:crypto';

/**
 * The version of a file's text: a content hash, so two windows (or a window and another editor)
 * agree on which text a write replaces, whatever the clock or the file system's time resolution.
 */
export function fileVersion(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

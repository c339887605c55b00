// Placeholder until the search command lands (the search helper replaces this file).
import { UsageError } from '../main.js';
export async function run(): Promise<number> {
  throw new UsageError('search is not built yet');
}

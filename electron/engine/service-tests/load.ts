/** Read a service-test file from disk (the runner itself never touches files). */
import { readFile } from 'node:fs/promises';
import { parseServiceTests, ServiceTestError, type ServiceTestFile } from './definitions.js';

export async function loadServiceTests(file: string): Promise<ServiceTestFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ServiceTestError(`${file}: ${(err as Error).message}`);
  }
  return parseServiceTests(json, file);
}

/** `paxlab lab list`: the lab packs, one per line. */
import { listLabs } from '../../engine/labs/lab-pack.js';

export async function run(): Promise<number> {
  const labs = await listLabs();
  const w = Math.max(2, ...labs.map((l) => l.id.length));
  const rw = Math.max(4, ...labs.map((l) => l.role.length));
  for (const l of labs) {
    if (l.error) process.stdout.write(`${l.id.padEnd(w)}  BROKEN: ${l.error}\n`);
    else process.stdout.write(`${l.id.padEnd(w)}  ${l.role.padEnd(rw)}  ${String(l.points).padStart(3)} pts  ${l.title}\n`);
  }
  if (!labs.length) process.stdout.write('no lab packs found\n');
  return labs.some((l) => l.error) ? 1 : 0;
}

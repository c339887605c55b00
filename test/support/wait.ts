/** Small waiting helpers shared by the tests that watch real processes and servers. */

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Wait until `cond` holds; throws naming `what` after `ms` milliseconds. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, ms: number, what: string, stepMs = 25): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/**
 * Node's permission model on the sandbox child: besides the realm (which gives student code no host
 * object at all), the process itself may read only the files it must (its own bundle, the watchdog,
 * the student's bundle) and start only its watchdog thread. A runtime without the permission model
 * cannot confine the process, and grading says so and will not run hidden tests there.
 */

export type PermissionFlag = '--permission' | '--experimental-permission';

/** The permission model flag this runtime has, or null. */
export function permissionFlag(): PermissionFlag | null {
  const flags = process.allowedNodeEnvironmentFlags;
  if (flags.has('--permission')) return '--permission';
  if (flags.has('--experimental-permission')) return '--experimental-permission';
  return null;
}

export interface Confinement {
  confined: boolean;
  /** One line for reports. */
  summary: string;
}

export function confinement(): Confinement {
  const flag = permissionFlag();
  return flag
    ? { confined: true, summary: `student code runs in its own realm in a sandbox process under Node's permission model (${flag})` }
    : {
        confined: false,
        summary: `this runtime (Node ${process.versions.node}) has no permission model, so the sandbox process cannot be confined; hidden tests were not run`,
      };
}

/** Flags that confine a child to reading `readable` (files) and starting its watchdog thread. */
export function confinementFlags(readable: string[]): string[] {
  const flag = permissionFlag();
  if (!flag) return [];
  // The watchdog reads the main thread's CPU time from /proc (Linux).
  const reads = [...readable, ...(process.platform === 'linux' ? ['/proc/self/task'] : [])];
  return [flag, ...(flag === '--experimental-permission' ? ['--no-warnings'] : []), '--allow-worker', ...reads.map((p) => `--allow-fs-read=${p}`)];
}

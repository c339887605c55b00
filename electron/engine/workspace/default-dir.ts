import os from 'node:os';
import path from 'node:path';

/**
 * The workspace folder when none is given: inside the OS's per-user application-data folder, the
 * same place Electron's `app.getPath('userData')` points to for an app named PaxLab.
 */
export function defaultWorkspaceDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = os.homedir();
  let appData: string;
  if (platform === 'win32') appData = env.APPDATA ?? path.join(home, 'AppData', 'Roaming');
  else if (platform === 'darwin') appData = path.join(home, 'Library', 'Application Support');
  else appData = env.XDG_CONFIG_HOME || path.join(home, '.config');
  return path.join(appData, 'PaxLab', 'workspace');
}

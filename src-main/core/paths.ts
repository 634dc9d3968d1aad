import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a PC keeps its replica when nothing else is said: the same folder the desktop
 * app uses (Electron's userData for product "Sportello", plus /data), so the CLI
 * administers the very database the window shows.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SPORTELLO_DATA_DIR) return env.SPORTELLO_DATA_DIR;
  const appData =
    platform === 'win32'
      ? (env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? join(homedir(), '.config'));
  return join(appData, 'Sportello', 'data');
}

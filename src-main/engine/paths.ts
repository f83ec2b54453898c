/**
 * Where Lathe keeps its data: `--data-dir`, else LATHE_DATA_DIR, else the
 * operating system's per-user application-data folder.
 */
import { homedir } from 'node:os';
import { posix, win32, resolve } from 'node:path';

export interface DataDirOptions {
  /** The value of `--data-dir`, when given. */
  flag?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

export function resolveDataDir(opts: DataDirOptions = {}): string {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const flag = opts.flag?.trim();
  if (flag) return resolve(flag);
  const fromEnv = env.LATHE_DATA_DIR?.trim();
  if (fromEnv) return resolve(fromEnv);
  const home = opts.home ?? homedir();
  if (platform === 'win32') {
    const appData = env.APPDATA?.trim() || win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, 'Lathe');
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'Lathe');
  // Linux and other Unixes: the XDG base-directory spec (relative XDG paths are invalid and ignored).
  const xdg = env.XDG_DATA_HOME?.trim();
  if (xdg && posix.isAbsolute(xdg)) return posix.join(xdg, 'lathe');
  return posix.join(home, '.local', 'share', 'lathe');
}

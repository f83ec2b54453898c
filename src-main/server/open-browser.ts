/** Opens a URL in the person's default browser, where the system has a way to. */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

function onPath(cmd: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

/** The opener command for this platform, or null when there is none (a headless Linux box). */
export function browserOpener(platform: NodeJS.Platform = process.platform): { cmd: string; args: string[] } | null {
  if (platform === 'darwin') return { cmd: 'open', args: [] };
  if (platform === 'win32') return { cmd: 'cmd', args: ['/c', 'start', '""'] };
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return null;
  return onPath('xdg-open') ? { cmd: 'xdg-open', args: [] } : null;
}

/** True when an opener was started (it may still fail on its own, silently). */
export function openBrowser(url: string): boolean {
  const opener = browserOpener();
  if (!opener) return false;
  try {
    const child = spawn(opener.cmd, [...opener.args, url], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

#!/usr/bin/env node
// Renders resources/icon.svg to the PNGs the app and the installers use
// (resources/icon.png for the window, build/icon.png at 1024 px, from which
// electron-builder derives .icns and .ico). Uses the system Chromium through
// playwright-core, so no image library is needed. Run: node build/make-icons.mjs
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const svg = readFileSync(`${root}resources/icon.svg`, 'utf8');
const executablePath = [process.env.LATHE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(
  (p) => p && existsSync(p),
);
if (!executablePath) {
  console.error('No Chromium found: set LATHE_CHROMIUM to a Chromium or Chrome binary.');
  process.exit(1);
}
const browser = await chromium.launch({ executablePath });
try {
  for (const [size, out] of [[512, 'resources/icon.png'], [1024, 'build/icon.png'], [256, 'build/icons/256x256.png'], [64, 'build/icons/64x64.png']]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const html = `<html><body style="margin:0;background:transparent">${svg.replace('width="512" height="512"', `width="${size}" height="${size}"`)}</body></html>`;
    await page.setContent(html);
    await page.screenshot({ path: `${root}${out}`, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
    console.log(`${out} (${size}x${size})`);
  }
} finally {
  await browser.close();
}

// `npm test` needs a real Chromium. Find one; on Debian or Ubuntu as root,
// install Debian's package (browser downloads by puppeteer/playwright are not
// always possible); anywhere else, stop with one line that says what to do.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './find-chromium.mjs';

const found = findChromium();
if (found) {
  process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get') && existsSync('/etc/debian_version');
if (!isRoot || !hasApt) {
  console.error('No Chromium found: install Chromium or Chrome, or set CHROME_PATH to its executable.');
  process.exit(1);
}

console.log('No Chromium found: installing Debian\'s chromium with apt-get…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
if (!findChromium()) {
  console.error('apt-get finished but no Chromium executable was found; set CHROME_PATH.');
  process.exit(1);
}

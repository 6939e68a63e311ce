import { existsSync } from 'node:fs';

/** Usual places of Chromium or Chrome on Linux and macOS, tried after CHROME_PATH. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** @returns {string | undefined} the browser executable to test with */
export function findChromium() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((path) => existsSync(path));
}

/** @returns {string} the browser executable; throws, saying how to get one, when there is none */
export function requireChromium() {
  const found = findChromium();
  if (!found) throw new Error('No Chromium or Chrome found: set CHROME_PATH, or install Debian/Ubuntu `chromium`.');
  return found;
}

/**
 * Flags for headless Chromium here: no sandbox (tests may run as root), no
 * background network traffic, and no throttling of timers or frames, since
 * tests and benchmarks watch streams land frame by frame.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

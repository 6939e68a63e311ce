import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, requireChromium } from './scripts/find-chromium.mjs';
import { scriptedSseMiddleware } from './test/server/scripted-sse-server.mjs';
import { handlerHarnessMiddleware } from './test/server/handler-harness.mjs';
import { summaryReporter } from './test/server/summary-reporter.mjs';

const executablePath = requireChromium();

/**
 * `executeServerCommand('emulate-forced-colors', { active })`: Windows High
 * Contrast-style forced colours for the test page, through the DevTools
 * protocol (the launcher's media emulation has no forced-colors feature).
 */
const devtoolsSessions = new Map();
const forcedColorsCommand = {
  name: 'emulate-forced-colors',
  async executeCommand({ command, payload, session }) {
    if (command !== 'emulate-forced-colors') return undefined;
    // Emulation lasts as long as its DevTools session: keep one per test page.
    let cdp = devtoolsSessions.get(session.id);
    if (!cdp) {
      cdp = await session.browser.getPage(session.id).createCDPSession();
      devtoolsSessions.set(session.id, cdp);
    }
    const value = payload?.active ? 'active' : 'none';
    await cdp.send('Emulation.setEmulatedMedia', { features: [{ name: 'forced-colors', value }] });
    return true;
  },
};

/**
 * `executeServerCommand('grant-clipboard')`: lets the test page write and
 * read the real clipboard, as a reader's browser does once they allowed it.
 */
const clipboardCommand = {
  name: 'grant-clipboard',
  async executeCommand({ command, session }) {
    if (command !== 'grant-clipboard') return undefined;
    const page = session.browser.getPage(session.id);
    await page.browserContext().overridePermissions(new URL(page.url()).origin, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
    return true;
  },
};

export default {
  files: ['test/**/*.test.ts', '!test/apps/**', '!test/backends/**'],
  // The page's origin is 127.0.0.1; tests reach the same server as
  // http://localhost:<port> when they need a cross-origin endpoint.
  hostname: '127.0.0.1',
  nodeResolve: true,
  concurrency: 1,
  reporters: [defaultReporter(), summaryReporter()],
  testFramework: { config: { timeout: 10000 } },
  testsFinishTimeout: 20 * 60 * 1000,
  middleware: [scriptedSseMiddleware(), handlerHarnessMiddleware()],
  plugins: [
    forcedColorsCommand,
    clipboardCommand,
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
      },
    }),
  ],
};

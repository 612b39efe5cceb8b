// Finds a Chromium for the console's browser tests, in this order:
//   1. CHROMIUM_PATH, when set (it must exist);
//   2. a system Chromium or Chrome on PATH;
//   3. the npm package @sparticuz/chromium, which ships a compressed Chromium inside the package and
//      unpacks it to /tmp, so no download is needed.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { findOnPath } from './tools.mjs';

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
/** Flags a headless Chromium needs in a container (no user namespaces for the sandbox, small /dev/shm). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'];

/** @returns {Promise<{ executablePath: string, args: string[], source: string }>} */
export async function resolveChromium(env = process.env) {
  if (env.CHROMIUM_PATH) {
    if (!existsSync(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} does not exist`);
    return { executablePath: env.CHROMIUM_PATH, args: CHROMIUM_ARGS, source: 'CHROMIUM_PATH' };
  }
  for (const name of SYSTEM_NAMES) {
    const found = findOnPath(name);
    if (found) return { executablePath: found, args: CHROMIUM_ARGS, source: `system ${name}` };
  }
  const require = createRequire(import.meta.url);
  const sparticuz = (await import(require.resolve('@sparticuz/chromium'))).default;
  // Its own flag list (for AWS Lambda) runs one process with web security off; a test browser keeps both defaults.
  return { executablePath: await sparticuz.executablePath(), args: CHROMIUM_ARGS, source: '@sparticuz/chromium' };
}

/**
 * The system Chromium for tests and benchmarks: the launch flags live with the CLI's PDF export in
 * shared/browser/chromium.ts (one home), re-exported here for the test files that import them.
 */
export { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from '../../shared/browser/chromium.ts';

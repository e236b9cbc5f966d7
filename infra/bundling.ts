/**
 * esbuild options for every Lambda, in one place: the stack (NodejsFunction) and the bundle-size
 * benchmark (bench/functions.bench.ts) both read them, so the benchmark measures what gets deployed.
 */

/**
 * ESM output needs a `require` for the CommonJS dependencies that call `require('node:…')`
 * (nodemailer, parts of the AWS SDK); without it esbuild's shim throws "Dynamic require … is not supported".
 */
export const REQUIRE_SHIM =
  "import { createRequire as __nianbaoCreateRequire } from 'node:module'; const require = __nianbaoCreateRequire(import.meta.url);";

export const LAMBDA_BUNDLE = {
  platform: 'node',
  /** Matches Runtime.NODEJS_22_X. */
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  /** Stack traces keep file/line mapping without shipping the sources inside the map. */
  sourcesContent: false,
  /** Prefer ESM entry points so tree-shaking works on the AWS SDK and Powertools. */
  mainFields: ['module', 'main'],
  banner: REQUIRE_SHIM,
  /**
   * Nothing external: the AWS SDK is bundled too, so the deployed code runs the SDK version the tests
   * ran against instead of whatever the Lambda runtime ships this month.
   */
  external: [] as string[],
} as const;

/** The Lambda entry points, one thin file per function under functions/. */
export const FUNCTION_ENTRIES = {
  plan: 'functions/plan.ts',
  fetchWorker: 'functions/fetch-worker.ts',
  parse: 'functions/parse.ts',
  notify: 'functions/notify.ts',
  rescanHttp: 'functions/rescan-http.ts',
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

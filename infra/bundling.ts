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
   * The AWS SDK is bundled too, so the deployed code runs the SDK version the tests ran against
   * instead of whatever the Lambda runtime ships this month. pdfjs-dist stays outside the bundle: it
   * loads its worker module and its CMaps/fonts from its own package folder at run time, so it is
   * copied beside the bundle as a package instead ({@link PDFJS_RUNTIME_FILES}).
   */
  external: ['pdfjs-dist', 'pdfjs-dist/*'] as string[],
  /** Paths relative to the project root (esbuild resolves alias paths from the working directory). */
  alias: { cheerio: './infra/shims/cheerio.ts', zod: './infra/shims/zod.ts' } as Record<string, string>,
} as const;

/**
 * The pdfjs-dist files PDF text extraction needs at run time, copied into the function's
 * `node_modules/pdfjs-dist/` as [source under node_modules/pdfjs-dist, destination] pairs. The minified
 * builds are shipped under the names the code imports; the 1.4 MB wasm folder (image decoders) is
 * left out because text extraction never decodes images.
 */
export const PDFJS_RUNTIME_FILES: readonly (readonly [string, string])[] = [
  ['package.json', 'package.json'],
  ['legacy/build/pdf.min.mjs', 'legacy/build/pdf.mjs'],
  ['legacy/build/pdf.worker.min.mjs', 'legacy/build/pdf.worker.mjs'],
  ['cmaps', 'cmaps'],
  ['standard_fonts', 'standard_fonts'],
];

/**
 * The functions whose bundle imports pdfjs-dist (the report pipeline: parse, and the fetch worker
 * through the scan module); only they get {@link PDFJS_RUNTIME_FILES}. The benchmark checks this
 * list against each bundle's imports.
 */
export const FUNCTIONS_WITH_PDFJS: readonly FunctionName[] = ['parse'];

/** Shell commands that copy {@link PDFJS_RUNTIME_FILES} from `projectRoot` into a bundle folder. */
export function copyPdfjsCommands(projectRoot: string, outputDir: string): string[] {
  const from = `${projectRoot}/node_modules/pdfjs-dist`;
  const to = `${outputDir}/node_modules/pdfjs-dist`;
  return [
    `mkdir -p "${to}/legacy/build"`,
    ...PDFJS_RUNTIME_FILES.map(([source, destination]) => `cp -R "${from}/${source}" "${to}/${destination}"`),
  ];
}

/**
 * The parse sandbox's worker thread (shared/pipeline/parse-sandbox.ts) in a bundle: compiled with the
 * same options as the function into `parse-worker.mjs` beside `index.mjs`, where the sandbox looks
 * for it (`new URL('./parse-worker.mjs', import.meta.url)`).
 */
export const PARSE_WORKER = { entry: 'shared/pipeline/parse-worker-main.ts', outfile: 'parse-worker.mjs' } as const;

/** Shell command that bundles {@link PARSE_WORKER} into a bundle folder with {@link LAMBDA_BUNDLE}'s options. */
export function parseWorkerBundleCommand(projectRoot: string, outputDir: string): string {
  const flags = [
    '--bundle',
    `--platform=${LAMBDA_BUNDLE.platform}`,
    `--target=${LAMBDA_BUNDLE.target}`,
    `--format=${LAMBDA_BUNDLE.format}`,
    ...(LAMBDA_BUNDLE.minify ? ['--minify'] : []),
    ...(LAMBDA_BUNDLE.sourcemap ? ['--sourcemap'] : []),
    `--sources-content=${LAMBDA_BUNDLE.sourcesContent}`,
    `--main-fields=${LAMBDA_BUNDLE.mainFields.join(',')}`,
    `--banner:js="${LAMBDA_BUNDLE.banner}"`,
    ...LAMBDA_BUNDLE.external.map((name) => `"--external:${name}"`),
    ...Object.entries(LAMBDA_BUNDLE.alias).map(([name, path]) => `--alias:${name}=${path}`),
    '--log-level=warning',
  ];
  return `cd "${projectRoot}" && "${projectRoot}/node_modules/.bin/esbuild" ${PARSE_WORKER.entry} ${flags.join(' ')} --outfile="${outputDir}/${PARSE_WORKER.outfile}"`;
}

/** Commands run after esbuild bundled a function: the report pipeline's pdfjs files and parse worker. */
export function afterBundlingCommands(name: FunctionName, projectRoot: string, outputDir: string): string[] {
  if (!FUNCTIONS_WITH_PDFJS.includes(name)) return [];
  return [...copyPdfjsCommands(projectRoot, outputDir), parseWorkerBundleCommand(projectRoot, outputDir)];
}

/** The Lambda entry points, one thin file per function under functions/. */
export const FUNCTION_ENTRIES = {
  plan: 'functions/plan.ts',
  fetchWorker: 'functions/fetch-worker.ts',
  parse: 'functions/parse.ts',
  notify: 'functions/notify.ts',
  rescanHttp: 'functions/rescan-http.ts',
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

/**
 * Bundle-time stand-in for `cheerio` (esbuild alias, infra/bundling.ts): the same parse5-based `load`
 * and static helpers, without `fromURL`/`loadBuffer`/`decodeStream`, whose undici, encoding-sniffer
 * and whatwg-encoding dependencies add 1.5 MB to every bundle that parses HTML. The project never
 * calls those three (it fetches and decodes bytes itself, shared/text/charset.ts).
 * Deep relative paths because cheerio's exports map does not expose these modules.
 */
export * from '../../node_modules/cheerio/dist/esm/load-parse.js';
export { contains, merge } from '../../node_modules/cheerio/dist/esm/static.js';

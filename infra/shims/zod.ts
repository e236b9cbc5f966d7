/**
 * Bundle-time stand-in for `zod` (esbuild alias, infra/bundling.ts): the same `z` as zod's own entry,
 * built from {@link ./zod-external.ts}, which leaves out the 40 translations of the error messages.
 */
import * as z from './zod-external.ts';

export * from './zod-external.ts';
export { z, z as default };

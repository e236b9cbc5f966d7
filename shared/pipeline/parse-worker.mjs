// Worker-thread entry of the parse sandbox when running from source (CLI, tests): the code is
// TypeScript, so tsx is registered first, as bin/nianbao.mjs does. Lambda bundles ship a compiled
// parse-worker.mjs beside index.mjs instead (infra/bundling.ts).
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker-main.ts');

#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on load so `npx nianbao` needs no build step.
// Node 22 is required (pdfjs-dist 6 and vitest 5 use APIs older Nodes lack, such as Promise.withResolvers):
// on an older Node, re-run with the Node 22 that `npm install` puts in node_modules/.bin, else refuse plainly
// before any library fails halfway through a file. Only node: built-ins are imported before the check.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REQUIRED_MAJOR = 22;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const bundled = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
  if (existsSync(bundled) && !process.env.NIANBAO_REEXEC) {
    const run = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, NIANBAO_REEXEC: '1' },
    });
    process.exit(run.status ?? 2);
  }
  process.stderr.write(
    `nianbao 需要 Node.js ${REQUIRED_MAJOR} 或更高版本，当前为 ${process.versions.node}。` +
      `请安装 Node.js ${REQUIRED_MAJOR}，或在项目目录执行 npm install（会在 node_modules/.bin 中安装 Node ${REQUIRED_MAJOR}），然后用 npx nianbao 运行。\n`,
  );
  process.exit(2);
}

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../shared/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

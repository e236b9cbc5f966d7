// bin/nianbao.mjs on a Node older than 22: re-runs itself with the bundled Node 22, or refuses in Chinese
// before any library (pdfjs) can fail halfway through a file. Needs an old Node on the machine to run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/nianbao.mjs', import.meta.url));
const doc = fileURLToPath(new URL('../fixtures/doc/report-2023.doc', import.meta.url));
const OLD_NODE = '/usr/bin/node';

function oldNodeVersion(): string | null {
  const run = spawnSync(OLD_NODE, ['--version'], { encoding: 'utf8' });
  const version = run.status === 0 ? run.stdout.trim() : null;
  return version && Number(version.replace(/^v/, '').split('.')[0]) < 22 ? version : null;
}

const old = oldNodeVersion();
if (!old) console.log(`skipped: no Node older than 22 at ${OLD_NODE} to run the CLI with`);

describe.skipIf(!old)(`the CLI on ${old ?? 'an old Node'}`, () => {
  it('re-runs with node_modules/.bin/node and checks the file', () => {
    const run = spawnSync(OLD_NODE, [bin, 'check', doc], { encoding: 'utf8' });
    expect(run.stdout).toContain('格式：doc');
    expect(run.status).toBe(0);
  });

  it('refuses in Chinese, exit 2, when it cannot re-run', () => {
    const run = spawnSync(OLD_NODE, [bin, 'check', doc], {
      encoding: 'utf8',
      env: { ...process.env, NIANBAO_REEXEC: '1' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('需要 Node.js 22 或更高版本');
    expect(run.stdout).toBe('');
  });
});

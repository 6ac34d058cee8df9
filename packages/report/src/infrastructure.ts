/**
 * The sandbox's own programs (the phase runner and the import helper under /opt/airlock). They are
 * traced because they start each phase, but what they do is not the package's doing.
 */
const INFRASTRUCTURE = /\/opt\/airlock\//;

/** True when an exec runs the runner: its program or one of its arguments lives under /opt/airlock. */
export function isInfrastructureExec(exec: { path: string; argv: readonly string[] }): boolean {
  return INFRASTRUCTURE.test(exec.path) || exec.argv.some((a) => INFRASTRUCTURE.test(a));
}

import type Docker from 'dockerode';
import { AirlockError } from '@airlock/core';

/**
 * A container runtime for analysis containers, with the tracer that goes with it. One interface, two
 * implementations (as OpenSSF package-analysis's `Sandbox`):
 * - `gvisor` (default): the container runs under gVisor's runsc; its Sentry writes every syscall to a
 *   log on the host, outside anything the package can reach (`gvisor-record.ts`).
 * - `runc`: the engine's default runtime, with strace inside the container as the package's own uid. The
 *   package can kill or rewrite that record; only for machines where gVisor cannot run, when asked.
 */
export type RuntimeName = 'gvisor' | 'runc';
export const RUNTIME_NAMES: readonly RuntimeName[] = ['gvisor', 'runc'];

/** Docker runtime name registered by scripts/install-gvisor.sh. */
export const GVISOR_ENGINE_RUNTIME = 'airlock-runsc';

export interface SandboxRuntime {
  name: RuntimeName;
  /** `HostConfig.Runtime`; undefined = the engine's default. */
  engineRuntime: string | undefined;
  /** Who writes the syscall record: the gVisor Sentry on the host, or strace in the container. */
  tracer: 'gvisor-sentry' | 'strace';
  /** What the in-image runner is told (AIRLOCK_TRACER): `none` when the host records. */
  runnerTracer: 'none' | 'strace';
  /** Format of the record, for the reader in @airlock/strace. */
  recordFormat: 'gvisor-json' | 'strace';
}

const RUNTIMES: Record<RuntimeName, SandboxRuntime> = {
  gvisor: {
    name: 'gvisor',
    engineRuntime: GVISOR_ENGINE_RUNTIME,
    tracer: 'gvisor-sentry',
    runnerTracer: 'none',
    recordFormat: 'gvisor-json',
  },
  runc: { name: 'runc', engineRuntime: undefined, tracer: 'strace', runnerTracer: 'strace', recordFormat: 'strace' },
};

/** The runtime asked for (`--runtime`, `AIRLOCK_RUNTIME`), gVisor when nothing is said; bad names are refused. */
export function runtimeFromSetting(value: string | undefined): RuntimeName {
  if (value === undefined || value === '') return 'gvisor';
  if ((RUNTIME_NAMES as readonly string[]).includes(value)) return value as RuntimeName;
  throw new AirlockError('INVALID_INPUT', `unknown runtime "${value}": use ${RUNTIME_NAMES.join(' or ')}`);
}

/**
 * The runtime to run with, checked against the engine: gVisor must be registered, and there is no silent
 * fallback to runc (the package could then alter its own record); the error says how to fix it.
 */
export async function resolveRuntime(docker: Docker, name: RuntimeName): Promise<SandboxRuntime> {
  const runtime = RUNTIMES[name];
  if (!runtime.engineRuntime) return runtime;
  const info = (await docker.info()) as { Runtimes?: Record<string, unknown> };
  if (!info.Runtimes || !(runtime.engineRuntime in info.Runtimes)) {
    throw new AirlockError(
      'SANDBOX_FAILED',
      `the Docker engine has no "${runtime.engineRuntime}" runtime, so gVisor cannot run the analysis: run \`npm run setup\` ` +
        '(scripts/install-gvisor.sh registers it). Where gVisor cannot run, `--runtime runc` (or AIRLOCK_RUNTIME=runc) ' +
        'runs with strace inside the container, a record the package can alter.',
    );
  }
  return runtime;
}

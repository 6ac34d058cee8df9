import type { SandboxProfile, SandboxSettings } from '@airlock/core';
import type { SandboxRuntime } from './runtime/runtime.js';

/** Host pids limit of a gVisor sandbox at least: the Sentry's threads, the gofer and one stub per process. */
const GVISOR_HOST_PIDS = 1024;

/** Resource limits of one analysis container. */
export interface SandboxLimits {
  pidsLimit: number;
  memoryBytes: number;
  /** CPU share in units of 1e-9 CPUs (1e9 = one core). */
  nanoCpus: number;
  /** Largest single file a process may write (RLIMIT_FSIZE). */
  maxFileBytes: number;
  openFiles: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  pidsLimit: 256,
  memoryBytes: 2 * 1024 ** 3,
  nanoCpus: 1_000_000_000,
  maxFileBytes: 1024 ** 3,
  openFiles: 4096,
};

/**
 * Where npm installs inside the sandbox: Debian (glibc) on the host's CPU. Platform views change what
 * package code is told, never what npm installs: an optional package for another platform is skipped.
 */
export const SANDBOX_INSTALL_PLATFORM = { os: 'linux', cpu: process.arch, libc: 'glibc' } as const;

/** The analysis user baked into the images (sandbox-images/npm/Dockerfile). */
export const SANDBOX_USER = { name: 'jordan', uid: 1000, home: '/home/jordan' } as const;

/**
 * HostConfig for an analysis container. Everything here is a deliberate choice:
 * no capabilities, no privilege gain through setuid, the engine's default seccomp profile (by not
 * overriding it), the fake internet's network namespace as the only network, a writable rootfs so that
 * `docker diff` sees dropped files, and no host mounts at all.
 */
export function sandboxHostConfig(limits: SandboxLimits, runtime: SandboxRuntime, networkMode: string) {
  // Under gVisor every sandboxed process also costs the Sentry a host process (systrap's stubs) and the
  // Sentry has threads of its own: a host pids limit of the package's size makes a fork bomb kill the
  // Sentry instead of failing forks. So gVisor gets host headroom and the package's limit inside, as the
  // analysis user's RLIMIT_NPROC, which the Sentry enforces (forks past it fail with EAGAIN). Under runc
  // RLIMIT_NPROC would count uid 1000's processes host-wide (other analyses too): the pids limit stays.
  const insideLimit = runtime.name === 'gvisor';
  return {
    CapDrop: ['ALL'],
    CapAdd: [] as string[],
    SecurityOpt: ['no-new-privileges:true'],
    Privileged: false,
    NetworkMode: networkMode,
    IpcMode: 'private',
    PidsLimit: insideLimit ? Math.max(4 * limits.pidsLimit, GVISOR_HOST_PIDS) : limits.pidsLimit,
    Memory: limits.memoryBytes,
    MemorySwap: limits.memoryBytes,
    NanoCpus: limits.nanoCpus,
    Ulimits: [
      { Name: 'nofile', Soft: limits.openFiles, Hard: limits.openFiles },
      { Name: 'fsize', Soft: limits.maxFileBytes, Hard: limits.maxFileBytes },
      { Name: 'core', Soft: 0, Hard: 0 },
      ...(insideLimit ? [{ Name: 'nproc', Soft: limits.pidsLimit, Hard: limits.pidsLimit }] : []),
    ],
    ReadonlyRootfs: false,
    Init: true,
    AutoRemove: false,
    LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
    ...(runtime.engineRuntime ? { Runtime: runtime.engineRuntime } : {}),
  };
}

/** The settings as the report shows them. */
export function describeSettings(
  hostConfig: ReturnType<typeof sandboxHostConfig>,
  image: { ref: string; id: string; inputsHash: string },
  fakeInternet: { ref: string; id: string },
  profile: SandboxProfile,
  tracer: SandboxSettings['tracer'],
  dwellMs: number,
  hostname: string,
  clock?: SandboxSettings['clock'],
): SandboxSettings {
  return {
    profile,
    image: image.ref,
    imageId: image.id,
    imageInputsHash: image.inputsHash,
    runtime: hostConfig.Runtime ?? 'runc (engine default)',
    tracer,
    user: `${SANDBOX_USER.name} (uid ${SANDBOX_USER.uid})`,
    hostname,
    networkMode: `namespace of the fake internet (${fakeInternet.ref}, ${fakeInternet.id.slice(7, 19)}): no route out`,
    capDrop: hostConfig.CapDrop,
    capAdd: hostConfig.CapAdd,
    securityOpt: [...hostConfig.SecurityOpt, 'seccomp=engine default'],
    // The package's limit: the pids limit under runc, RLIMIT_NPROC inside gVisor (listed under ulimits).
    pidsLimit: hostConfig.Ulimits.find((u) => u.Name === 'nproc')?.Soft ?? hostConfig.PidsLimit,
    dwellMs,
    memoryBytes: hostConfig.Memory,
    nanoCpus: hostConfig.NanoCpus,
    readonlyRootfs: hostConfig.ReadonlyRootfs,
    ulimits: hostConfig.Ulimits.map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })),
    ...(clock ? { clock } : {}),
  };
}

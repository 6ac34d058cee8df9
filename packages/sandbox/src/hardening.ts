import type { SandboxProfile, SandboxSettings } from '@airlock/core';

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

/** The analysis user baked into the images (sandbox-images/npm/Dockerfile). */
export const SANDBOX_USER = { name: 'jordan', uid: 1000, home: '/home/jordan' } as const;
export const SANDBOX_HOSTNAME = 'jordan-thinkpad';

/**
 * HostConfig for an analysis container. Everything here is a deliberate choice:
 * no capabilities, no privilege gain through setuid, the engine's default seccomp profile (by not
 * overriding it), the fake internet's network namespace as the only network, a writable rootfs so that
 * `docker diff` sees dropped files, and no host mounts at all.
 */
export function sandboxHostConfig(limits: SandboxLimits, runtime: string | undefined, networkMode: string) {
  return {
    CapDrop: ['ALL'],
    CapAdd: [] as string[],
    SecurityOpt: ['no-new-privileges:true'],
    Privileged: false,
    NetworkMode: networkMode,
    IpcMode: 'private',
    PidsLimit: limits.pidsLimit,
    Memory: limits.memoryBytes,
    MemorySwap: limits.memoryBytes,
    NanoCpus: limits.nanoCpus,
    Ulimits: [
      { Name: 'nofile', Soft: limits.openFiles, Hard: limits.openFiles },
      { Name: 'fsize', Soft: limits.maxFileBytes, Hard: limits.maxFileBytes },
      { Name: 'core', Soft: 0, Hard: 0 },
    ],
    ReadonlyRootfs: false,
    Init: true,
    AutoRemove: false,
    LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
    ...(runtime ? { Runtime: runtime } : {}),
  };
}

/** The settings as the report shows them. */
export function describeSettings(
  hostConfig: ReturnType<typeof sandboxHostConfig>,
  image: { ref: string; id: string; inputsHash: string },
  fakeInternet: { ref: string; id: string },
  profile: SandboxProfile,
  tracer: SandboxSettings['tracer'],
): SandboxSettings {
  return {
    profile,
    image: image.ref,
    imageId: image.id,
    imageInputsHash: image.inputsHash,
    runtime: hostConfig.Runtime ?? 'runc (engine default)',
    tracer,
    user: `${SANDBOX_USER.name} (uid ${SANDBOX_USER.uid})`,
    hostname: SANDBOX_HOSTNAME,
    networkMode: `namespace of the fake internet (${fakeInternet.ref}, ${fakeInternet.id.slice(7, 19)}): no route out`,
    capDrop: hostConfig.CapDrop,
    capAdd: hostConfig.CapAdd,
    securityOpt: [...hostConfig.SecurityOpt, 'seccomp=engine default'],
    pidsLimit: hostConfig.PidsLimit,
    memoryBytes: hostConfig.Memory,
    nanoCpus: hostConfig.NanoCpus,
    readonlyRootfs: hostConfig.ReadonlyRootfs,
    ulimits: hostConfig.Ulimits.map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })),
  };
}

import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { AirlockError } from '@airlock/core';
import type { HoneytokenPlan } from '@airlock/honeytokens';
import { DEFAULT_LIMITS, sandboxHostConfig, type SandboxLimits } from './hardening.js';
import { machineIdentity, type MachineIdentity } from './machine-identity.js';
import { startNetworkOwner, type NetworkOwner } from './network-owner.js';
import { freshHoneytokens } from './plant-honeytokens.js';
import { removeContainers, WORKER_LABEL } from './reap-orphans.js';
import type { SandboxRuntime } from './runtime/runtime.js';
import { readSandboxCa, sandboxCaPaths, trustSandboxCa } from './sandbox-ca.js';

export const SANDBOX_LABEL = 'airlock.sandbox';

type Image = { ref: string; id: string; inputsHash: string };

/**
 * The two containers of one run, made and joined but the analysis container not started: the fake
 * internet up (it owns the network namespace) with its CA trusted in the analysis container, and the run's
 * fresh honeytokens (the fake internet searches every flow for them) and machine identity (its hostname).
 * What the run itself puts in (the input, the honeytoken files, a view's files, the clock) goes in after.
 */
export interface SandboxPair {
  owner: NetworkOwner;
  container: Docker.Container;
  hostConfig: ReturnType<typeof sandboxHostConfig>;
  runtime: SandboxRuntime;
  image: Image;
  fakeInternetImage: Image;
  limits: SandboxLimits;
  honeytokens: HoneytokenPlan;
  identity: MachineIdentity;
  /** Paths the CA trust wrote (left out of the file changes). */
  trusted: string[];
  /** The value of the `airlock.analysis` label both containers carry (the run's id, or a pool pair's). */
  labelId: string;
  madeAt: number;
}

export interface PairRequest {
  docker: Docker;
  runtime: SandboxRuntime;
  image: Image;
  fakeInternetImage: Image;
  labelId: string;
  limits?: SandboxLimits;
  identity?: MachineIdentity;
  workerId?: string;
}

/** The labels every sandbox container carries: the orphan reaper finds a dead process's (or worker's) by them. */
function sandboxLabels(labelId: string, workerId?: string): Record<string, string> {
  return {
    [SANDBOX_LABEL]: '1',
    'airlock.analysis': labelId,
    'airlock.owner': `${hostname()}:${process.pid}`,
    ...(workerId ? { [WORKER_LABEL]: workerId } : {}),
  };
}

/** The sandbox container's command: Docker's container marker removed, then PID 1's sleep. */
const BOOT_COMMAND = ['sh', '-c', 'rm -f /.dockerenv; exec /usr/bin/sleep infinity'];
/** The gVisor record's line for the boot command's last step (the settle waits for it: runtime/gvisor-record.ts). */
export const BOOT_DONE = / X execve\(0x[0-9a-f]+ \/usr\/bin\/sleep,/;

/** Makes a pair (see SandboxPair); on failure nothing it made is left. */
export async function makeSandboxPair(request: PairRequest): Promise<SandboxPair> {
  const { docker, runtime, image, fakeInternetImage, labelId } = request;
  const limits = request.limits ?? DEFAULT_LIMITS;
  const identity = request.identity ?? machineIdentity(Math.floor(Math.random() * 2 ** 32));
  const labels = sandboxLabels(labelId, request.workerId);
  const madeAt = Date.now();
  const honeytokens = await freshHoneytokens();
  let owner: NetworkOwner;
  try {
    // The fake internet searches every flow for the planted values: it is given them at its start.
    owner = await startNetworkOwner(docker, fakeInternetImage.ref, labels, honeytokens.tokens, identity.hostname);
  } catch (err) {
    await removeContainers(docker, `airlock.analysis=${labelId}`);
    throw new AirlockError('SANDBOX_FAILED', `cannot start the fake internet: ${(err as Error).message}`, { cause: err });
  }
  const hostConfig = sandboxHostConfig(limits, runtime, `container:${owner.container.id}`);
  try {
    const container = await docker
      .createContainer({
        Image: image.ref,
        // PID 1 (tini) and its sleep run as root *without capabilities*: the analysis user cannot signal
        // them, so the runner's kill-everything sweep at the end of a phase leaves the container up. First it
        // removes Docker's /.dockerenv, the container marker evasive payloads check before anything else.
        Cmd: BOOT_COMMAND,
        // The hostname comes from the namespace owner (the fake internet), set to the run's identity there.
        User: '0:0',
        StopTimeout: 1,
        Labels: labels,
        HostConfig: hostConfig,
      })
      .catch((err: Error) => {
        throw new AirlockError('SANDBOX_FAILED', `cannot create the sandbox container: ${err.message}`, { cause: err });
      });
    await owner.ready;
    const ca = await readSandboxCa(owner.container);
    await trustSandboxCa(container, image.id, ca);
    return {
      owner,
      container,
      hostConfig,
      runtime,
      image,
      fakeInternetImage,
      limits,
      honeytokens,
      identity,
      trusted: sandboxCaPaths(ca),
      labelId,
      madeAt,
    };
  } catch (err) {
    await removeContainers(docker, `airlock.analysis=${labelId}`);
    throw err instanceof AirlockError
      ? err
      : new AirlockError('SANDBOX_FAILED', `cannot make the sandbox: ${(err as Error).message}`, { cause: err });
  }
}

/** Removes both containers of a pair (never throws; failures are logged). */
export async function removeSandboxPair(
  pair: SandboxPair,
  log: (message: string, fields?: Record<string, unknown>) => void,
): Promise<void> {
  await Promise.all(
    [pair.container, pair.owner.container].map((c) =>
      c.remove({ force: true, v: true }).catch((err: Error) => log('container removal failed', { error: err.message })),
    ),
  );
}

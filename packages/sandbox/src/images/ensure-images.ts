import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { AirlockError } from '@airlock/core';
import * as tar from 'tar';
import { followProgress } from '../docker.js';
import { hashImageInputs } from './inputs-hash.js';
import { sandboxImagesDir } from './locate.js';
import { prepareNodeRuntime } from './runtime-packages.js';

const run = promisify(execFile);

export const INPUTS_LABEL = 'airlock.inputs-hash';
export const NPM_IMAGE = 'airlock/sandbox-npm';

export interface EnsureImagesOptions {
  /**
   * Base to build FROM on a machine that can pull (e.g. `debian:bookworm-slim`). Unset: the base
   * rootfs is made with debootstrap and `docker import`, which needs no registry.
   */
  pullBase?: string;
  log?: (line: string) => void;
}

export interface BuiltImage {
  ref: string;
  inputsHash: string;
  built: boolean;
}

/** Builds the base and npm sandbox images unless an image with the same inputs hash exists. */
export async function ensureImages(docker: Docker, options: EnsureImagesOptions = {}): Promise<BuiltImage[]> {
  const log = options.log ?? (() => {});
  const root = sandboxImagesDir();
  const base = await ensureBaseImage(docker, join(root, 'base'), options.pullBase, log);
  const npmDir = join(root, 'npm');
  const inputsHash = hashImageInputs(npmDir, [`base:${base.ref}`]);
  const ref = `${NPM_IMAGE}:${inputsHash.slice(0, 12)}`;
  if (await hasImage(docker, ref, inputsHash)) {
    await docker.getImage(ref).tag({ repo: NPM_IMAGE, tag: 'latest' });
    log(`${ref} is up to date`);
    return [base, { ref, inputsHash, built: false }];
  }
  log(`building ${ref}`);
  await prepareNodeRuntime(npmDir);
  const context = tar.c({ cwd: npmDir, portable: true }, ['.']);
  const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: ref,
    buildargs: { BASE_IMAGE: base.ref },
    labels: { [INPUTS_LABEL]: inputsHash },
    rm: true,
    forcerm: true,
  });
  const output = await followProgress(docker, stream);
  for (const line of output) log(line.trimEnd());
  await docker.getImage(ref).tag({ repo: NPM_IMAGE, tag: 'latest' });
  return [base, { ref, inputsHash, built: true }];
}

async function ensureBaseImage(
  docker: Docker,
  baseDir: string,
  pullBase: string | undefined,
  log: (line: string) => void,
): Promise<BuiltImage> {
  const inputsHash = hashImageInputs(baseDir, [`from:${pullBase ?? 'debootstrap'}`]);
  const ref = `airlock/base:${inputsHash.slice(0, 12)}`;
  if (await hasImage(docker, ref, inputsHash)) {
    log(`${ref} is up to date`);
    return { ref, inputsHash, built: false };
  }
  if (pullBase) {
    log(`building ${ref} FROM ${pullBase}`);
    const context = tar.c({ cwd: baseDir, portable: true }, ['Dockerfile', 'packages.txt']);
    const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: ref,
      buildargs: { BASE_IMAGE: pullBase },
      labels: { [INPUTS_LABEL]: inputsHash },
      rm: true,
    });
    await followProgress(docker, stream);
  } else {
    log(`building ${ref} with debootstrap (a few minutes)`);
    await run('bash', [join(baseDir, 'build-rootfs.sh'), ref, `${INPUTS_LABEL}=${inputsHash}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
  }
  return { ref, inputsHash, built: true };
}

async function hasImage(docker: Docker, ref: string, inputsHash: string): Promise<boolean> {
  try {
    const info = await docker.getImage(ref).inspect();
    return info.Config?.Labels?.[INPUTS_LABEL] === inputsHash;
  } catch {
    return false;
  }
}

/** The npm sandbox image to run, with what the report needs to name it exactly. */
export async function resolveNpmImage(docker: Docker): Promise<{ ref: string; id: string; inputsHash: string }> {
  const ref = `${NPM_IMAGE}:latest`;
  try {
    const info = await docker.getImage(ref).inspect();
    return { ref, id: info.Id, inputsHash: info.Config?.Labels?.[INPUTS_LABEL] ?? 'unknown' };
  } catch (err) {
    throw new AirlockError('IMAGE_MISSING', `sandbox image ${ref} is missing; run \`npm run setup\``, { cause: err });
  }
}

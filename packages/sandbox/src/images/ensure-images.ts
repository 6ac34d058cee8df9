import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import * as tar from 'tar';
import { AirlockError } from '@airlock/core';
import { followProgress } from '../docker.js';
import { prepareAppBundle } from './app-bundle.js';
import { hashImageInputs, isGeneratedCache } from './inputs-hash.js';
import { sandboxImagesDir } from './locate.js';
import { prepareNodeRuntime } from './runtime-packages.js';

const run = promisify(execFile);

export const INPUTS_LABEL = 'airlock.inputs-hash';
export const NPM_IMAGE = 'airlock/sandbox-npm';
export const FAKE_INTERNET_IMAGE = 'airlock/fake-internet';

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

/** Builds the base, npm and fake-internet images unless an image with the same inputs hash exists. */
export async function ensureImages(docker: Docker, options: EnsureImagesOptions = {}): Promise<BuiltImage[]> {
  const log = options.log ?? (() => {});
  const root = sandboxImagesDir();
  const runtimeJson = join(root, 'npm', 'runtime.json');
  const base = await ensureBaseImage(docker, join(root, 'base'), options.pullBase, log);
  const npm = await ensureDerivedImage(docker, {
    repo: NPM_IMAGE,
    dir: join(root, 'npm'),
    base: base.ref,
    prepare: (dir) => prepareNodeRuntime(dir, runtimeJson, ['node', 'npm']),
    log,
  });
  const fakeDir = join(root, 'fake-internet');
  const app = prepareAppBundle(fakeDir, join(root, '..', 'packages'), 'fake-internet', ['strace', 'honeytokens']);
  const fake = await ensureDerivedImage(docker, {
    repo: FAKE_INTERNET_IMAGE,
    dir: fakeDir,
    base: base.ref,
    extraInputs: [`app:${hashImageInputs(app)}`, `runtime:${readFileSync(runtimeJson, 'utf8')}`],
    prepare: (dir) => prepareNodeRuntime(dir, runtimeJson, ['node']),
    log,
  });
  writeFileSync(pinnedImagesFile(root), JSON.stringify({ [NPM_IMAGE]: npm.ref, [FAKE_INTERNET_IMAGE]: fake.ref }, null, 2) + '\n');
  return [base, npm, fake];
}

/**
 * Where a checkout records the exact images its own setup built (gitignored). Without it every checkout on a
 * host would run whatever `latest` the last build tagged: two worktrees with different runners ran each
 * other's images.
 */
function pinnedImagesFile(root: string): string {
  return join(root, '.images.json');
}

function pinnedRef(repo: string): string | undefined {
  try {
    const pinned = JSON.parse(readFileSync(pinnedImagesFile(sandboxImagesDir()), 'utf8')) as Record<string, unknown>;
    const ref = pinned[repo];
    return typeof ref === 'string' ? ref : undefined;
  } catch {
    return undefined;
  }
}

interface DerivedImage {
  repo: string;
  dir: string;
  base: string;
  /** Inputs outside `dir` (or under its ignored .build) that must trigger a rebuild. */
  extraInputs?: string[];
  /** Fills `<dir>/.build` before the build. */
  prepare: (dir: string) => Promise<void>;
  log: (line: string) => void;
}

/** Builds `<repo>:<hash>` FROM the base and tags it `latest`, unless it already exists. */
async function ensureDerivedImage(docker: Docker, image: DerivedImage): Promise<BuiltImage> {
  const inputsHash = hashImageInputs(image.dir, [`base:${image.base}`, ...(image.extraInputs ?? [])]);
  const ref = `${image.repo}:${inputsHash.slice(0, 12)}`;
  if (await hasImage(docker, ref, inputsHash)) {
    await docker.getImage(ref).tag({ repo: image.repo, tag: 'latest' });
    image.log(`${ref} is up to date`);
    return { ref, inputsHash, built: false };
  }
  image.log(`building ${ref}`);
  await image.prepare(image.dir);
  const context = tar.c(
    { cwd: image.dir, portable: true, filter: (path) => !path.startsWith('./.build/downloads') && !path.split('/').some(isGeneratedCache) },
    ['.'],
  );
  const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: ref,
    buildargs: { BASE_IMAGE: image.base },
    labels: { [INPUTS_LABEL]: inputsHash },
    rm: true,
    forcerm: true,
  });
  for (const line of await followProgress(docker, stream)) image.log(line.trimEnd());
  await docker.getImage(ref).tag({ repo: image.repo, tag: 'latest' });
  return { ref, inputsHash, built: true };
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

/**
 * The image to run for `repo`: the one this checkout's setup built (sandbox-images/.images.json), else its
 * `latest` tag; with what the report needs to name it exactly.
 */
export async function resolveImage(docker: Docker, repo: string): Promise<{ ref: string; id: string; inputsHash: string }> {
  const ref = pinnedRef(repo) ?? `${repo}:latest`;
  try {
    const info = await docker.getImage(ref).inspect();
    return { ref, id: info.Id, inputsHash: info.Config?.Labels?.[INPUTS_LABEL] ?? 'unknown' };
  } catch (err) {
    throw new AirlockError('IMAGE_MISSING', `sandbox image ${ref} is missing; run \`npm run setup\``, { cause: err });
  }
}

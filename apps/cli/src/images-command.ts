import { EXIT } from './exit-codes.js';
import { assertDockerReachable, connectDocker, ensureImages } from '@airlock/sandbox';

export async function imagesBuildCommand(pullBase: string | undefined): Promise<number> {
  const docker = connectDocker();
  await assertDockerReachable(docker);
  const started = Date.now();
  const images = await ensureImages(docker, {
    ...(pullBase ? { pullBase } : {}),
    log: (line) => process.stderr.write(`${line.trimEnd()}\n`),
  });
  for (const image of images) {
    process.stdout.write(`${image.ref}  ${image.built ? 'built' : 'up to date'}  inputs ${image.inputsHash.slice(0, 12)}\n`);
  }
  process.stdout.write(`images ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return EXIT.ok;
}

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import * as tar from 'tar';

const run = promisify(execFile);

interface RuntimePin {
  package: string;
  version: string;
  integrity: string;
}

/**
 * Puts Node (and npm), from their npm-registry packages, unpacked under `<imageDir>/.build/{node,npm}`,
 * checking each tarball against the integrity pinned in `runtimeJson`. Registry tarballs are only
 * fetched and unpacked here, never executed on the host.
 */
export async function prepareNodeRuntime(imageDir: string, runtimeJson: string, slots: ('node' | 'npm')[]): Promise<void> {
  const pins = JSON.parse(readFileSync(runtimeJson, 'utf8')) as Record<'node' | 'npm', RuntimePin>;
  const buildDir = join(imageDir, '.build');
  const downloads = join(dirname(runtimeJson), '.build', 'downloads');
  mkdirSync(downloads, { recursive: true });
  for (const [slot, pin] of Object.entries(pins).filter(([k]) => (slots as string[]).includes(k))) {
    const tarball = join(downloads, `${pin.package}-${pin.version}.tgz`);
    if (!existsSync(tarball) || !matchesIntegrity(tarball, pin.integrity)) {
      await run('npm', ['pack', `${pin.package}@${pin.version}`, '--pack-destination', downloads, '--silent'], {
        maxBuffer: 16 * 1024 * 1024,
      });
    }
    if (!matchesIntegrity(tarball, pin.integrity)) {
      throw new Error(`${pin.package}@${pin.version}: tarball does not match the integrity pinned in runtime.json`);
    }
    const target = join(buildDir, slot);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    await tar.x({ file: tarball, cwd: target, strip: 1 });
  }
}

function matchesIntegrity(file: string, integrity: string): boolean {
  const [algorithm, expected] = integrity.split('-', 2);
  if (!algorithm || !expected) return false;
  return createHash(algorithm).update(readFileSync(file)).digest('base64') === expected;
}

import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Copies compiled workspace packages into `<imageDir>/.build/app`: the first one as the app itself,
 * the others under its node_modules, so Node resolves them inside the image with no npm install.
 * The packages must be built (`tsc -b`) and have no third-party runtime dependencies.
 */
export function prepareAppBundle(imageDir: string, packagesDir: string, app: string, deps: string[]): string {
  const target = join(imageDir, '.build', 'app');
  rmSync(target, { recursive: true, force: true });
  const copyPackage = (name: string, to: string) => {
    mkdirSync(to, { recursive: true });
    cpSync(join(packagesDir, name, 'package.json'), join(to, 'package.json'));
    cpSync(join(packagesDir, name, 'dist'), join(to, 'dist'), {
      recursive: true,
      filter: (src) => !/\.(map|tsbuildinfo)$|\.d\.ts$/.test(src),
    });
  };
  copyPackage(app, target);
  for (const dep of deps) copyPackage(dep, join(target, 'node_modules', '@airlock', dep));
  return target;
}

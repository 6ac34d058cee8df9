import { normalizePath } from '@airlock/strace';

/** Home of the analysis user baked into the sandbox images (sandbox-images/npm: user `jordan`). */
export const SANDBOX_HOME = '/home/jordan';

/**
 * The parser's normalizePath bound to the sandbox home and the package under test, so a path reads the
 * same in every run (`<HOME>/.npmrc`, `<PKG>/index.js`, `<TMP>/npm-<R>`).
 */
export function pathNormalizer(packageName: string, homeDir: string = SANDBOX_HOME): (path: string) => string {
  const options = { homeDir, packageName };
  return (path) => normalizePath(path, options);
}

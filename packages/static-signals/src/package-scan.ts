/**
 * One pass over a package's own contents (manifest and source texts, read by the caller): install
 * scripts and what they run, obfuscation in every source file (harder on install-time files), and
 * non-registry dependencies. Signals that need outside data (popular names, the organization's
 * namespaces, registry metadata, lockfile hashes, an OSV feed) have their own functions.
 */
import { analyzeInstallScripts, analyzeShellScript } from './install-scripts.js';
import { normalizePackagePath } from './manifest-fields.js';
import { checkNpmDependencySources } from './npm-dependency-sources.js';
import { languageOf, scanSource, type ObfuscationOptions } from './obfuscation.js';
import { checkRequirements } from './python-requirements.js';
import { analyzeSetupPy } from './setup-py.js';
import type { Ecosystem, StaticSignal } from './signal.js';

export interface PackageFile {
  /**
   * Path inside the archive. When no file sits at the top level and all share one top directory
   * (npm's `package/`, an sdist's `name-1.0/`), that directory is taken as the package root.
   */
  path: string;
  /** Text of the file when the caller read it; files without text only count for their path. */
  text?: string;
}

export interface PackageContents {
  ecosystem: Ecosystem;
  files: readonly PackageFile[];
  /** The parsed package.json; parsed from the `package.json` file's text when omitted. */
  manifest?: unknown;
}

export interface PackageScan {
  signals: StaticSignal[];
  /** Files judged install-time (install script targets, setup.py). */
  installTimeFiles: string[];
  /** Texts that were not scanned because their language is not one the scanner reads. */
  skippedFiles: number;
}

export function scanPackageContents(contents: PackageContents, options: ObfuscationOptions = {}): PackageScan {
  const files = withoutCommonRoot(contents.files.map((f) => ({ ...f, path: normalizePackagePath(f.path) ?? f.path })));
  const paths = files.map((f) => f.path);
  const signals: StaticSignal[] = [];
  const installTime = new Set<string>();

  if (contents.ecosystem === 'npm') {
    const manifestFile = files.find((f) => f.path === 'package.json');
    const manifest = contents.manifest ?? parseJson(manifestFile?.text);
    const scripts = analyzeInstallScripts({
      manifest,
      files: paths,
      ...(manifestFile?.text !== undefined ? { manifestText: manifestFile.text } : {}),
    });
    signals.push(...scripts.signals);
    for (const t of scripts.targets) installTime.add(t);
    // Inline `node -e "..."` code is install-time JavaScript too.
    for (const s of scripts.signals) {
      if (s.id === 'install-script.inline-code' && s.evidence.value) {
        signals.push(
          ...scanSource(
            { path: `package.json#scripts.${String(s.details?.script)}.js`, text: s.evidence.value, installTime: true },
            options,
          ),
        );
      }
    }
    signals.push(...checkNpmDependencySources(manifest, manifestFile?.text !== undefined ? { manifestText: manifestFile.text } : {}));
  } else {
    for (const f of files) {
      if (/^setup\.py$/.test(f.path) && f.text !== undefined) {
        installTime.add(f.path);
        signals.push(...analyzeSetupPy(f.text, f.path));
      }
      if (/(?:^|\/)requirements[\w.-]*\.txt$/i.test(f.path) && f.text !== undefined) signals.push(...checkRequirements(f.text, f.path));
    }
  }

  let skipped = 0;
  for (const f of files) {
    if (f.text === undefined) continue;
    const isInstallTime = installTime.has(f.path);
    const language = languageOf(f.path);
    if (language === 'other' && !isInstallTime) {
      if (f.path !== 'package.json') skipped++;
      continue;
    }
    // An extensionless install target is run by node (`node scripts/install`) in npm packages.
    const override = language === 'other' && contents.ecosystem === 'npm' ? ({ language: 'javascript' } as const) : {};
    signals.push(...scanSource({ path: f.path, text: f.text, installTime: isInstallTime, ...override }, options));
    if (isInstallTime && language === 'shell') signals.push(...analyzeShellScript(f.text, f.path));
  }
  return { signals, installTimeFiles: [...installTime], skippedFiles: skipped };
}

function withoutCommonRoot<T extends { path: string }>(files: T[]): T[] {
  const first = files[0]?.path.split('/')[0];
  if (first === undefined || !files.every((f) => f.path.startsWith(`${first}/`))) return files;
  return files.map((f) => ({ ...f, path: f.path.slice(first.length + 1) }));
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

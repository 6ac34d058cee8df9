/**
 * Manifest confusion: the npm registry serves a package's metadata (name, version, scripts,
 * dependencies, bin) separately from its tarball, and never checks that they agree. npm installs
 * what the tarball says while audits read the metadata, so a hidden install script or dependency
 * lives in the difference. Known registry-side normalisations are not reported.
 */
import { INSTALL_LIFECYCLE_SCRIPTS } from './install-scripts.js';
import { asRecord, normalizePackagePath, stringField, stringMap, type JsonRecord } from './manifest-fields.js';
import { splitNpmName } from './package-names.js';
import { signal, type SignalSeverity, type StaticSignal } from './signal.js';

export interface ManifestConfusionOptions {
  /** The tarball contains binding.gyp (npm then adds `install: node-gyp rebuild` to the registry metadata). */
  tarballHasBindingGyp?: boolean;
  /** Path of the tarball's manifest for evidence (default `package.json`). */
  file?: string;
}

/** Compares the registry's version document with the tarball's package.json. */
export function checkManifestConfusion(
  registryVersion: unknown,
  tarballManifest: unknown,
  options: ManifestConfusionOptions = {},
): StaticSignal[] {
  const registry = asRecord(registryVersion) ?? {};
  const tarball = asRecord(tarballManifest) ?? {};
  const file = options.file ?? 'package.json';
  const out: StaticSignal[] = [];
  const differ = (
    id: Parameters<typeof signal>[0],
    severity: SignalSeverity,
    message: string,
    value: string,
    details: Record<string, string | number | boolean>,
  ): void => {
    out.push(signal(id, severity, message, { file, value }, details));
  };

  for (const field of ['name', 'version'] as const) {
    const r = clean(field, stringField(registry, field));
    const t = clean(field, stringField(tarball, field));
    if (r !== t) {
      differ(
        `manifest-confusion.${field}`,
        'high',
        `registry says ${field} ${show(r)}, the tarball's package.json says ${show(t)}`,
        t ?? '(missing)',
        { registry: r ?? '(missing)', tarball: t ?? '(missing)' },
      );
    }
  }

  const gyp = options.tarballHasBindingGyp === true || registry.gypfile === true;
  const registryScripts = stringMap(registry.scripts);
  const tarballScripts = stringMap(tarball.scripts);
  if (
    gyp &&
    tarballScripts.install === undefined &&
    tarballScripts.preinstall === undefined &&
    registryScripts.install === 'node-gyp rebuild'
  )
    delete registryScripts.install;
  if (registry.scripts !== undefined) {
    for (const key of new Set([...Object.keys(registryScripts), ...Object.keys(tarballScripts)])) {
      const r = registryScripts[key];
      const t = tarballScripts[key];
      if (r === t) continue;
      const lifecycle = (INSTALL_LIFECYCLE_SCRIPTS as readonly string[]).includes(key);
      const hidden = r === undefined;
      differ(
        'manifest-confusion.scripts',
        lifecycle ? 'high' : 'low',
        hidden
          ? `the tarball has a "${key}" script the registry metadata does not show`
          : `registry and tarball disagree on the "${key}" script`,
        t ?? '(missing)',
        { script: key, registry: r ?? '(missing)', tarball: t ?? '(missing)', lifecycle },
      );
    }
  } else {
    // Abbreviated (corgi) registry documents carry no scripts, only `hasInstallScript` (absent = false).
    const declared = registry.hasInstallScript === true;
    const installScripts = Object.entries(tarballScripts).filter(([k]) => ['preinstall', 'install', 'postinstall'].includes(k));
    const actual = installScripts.length > 0 || options.tarballHasBindingGyp === true;
    if (declared !== actual) {
      differ(
        'manifest-confusion.scripts',
        actual ? 'high' : 'low',
        actual
          ? 'the tarball has install scripts but the registry metadata says it has none'
          : 'the registry says the package has install scripts but the tarball has none',
        actual ? installScripts.map(([k, v]) => `${k}: ${v}`).join('; ') || 'binding.gyp' : '(none)',
        { hasInstallScript: declared, tarballInstallScripts: actual },
      );
    }
  }

  out.push(...compareDependencies(effectiveDependencies(registry), effectiveDependencies(tarball), 'dependencies', file));
  out.push(...compareDependencies(stringMap(registry.peerDependencies), stringMap(tarball.peerDependencies), 'peerDependencies', file));

  const rBin = normalizeBin(registry.bin, stringField(registry, 'name') ?? stringField(tarball, 'name'));
  const tBin = normalizeBin(tarball.bin, stringField(tarball, 'name') ?? stringField(registry, 'name'));
  for (const key of new Set([...Object.keys(rBin), ...Object.keys(tBin)])) {
    if (rBin[key] === tBin[key]) continue;
    differ(
      'manifest-confusion.bin',
      'medium',
      rBin[key] === undefined
        ? `the tarball installs a "${key}" command the registry metadata does not show`
        : `registry and tarball disagree on the "${key}" command`,
      tBin[key] ?? '(missing)',
      {
        bin: key,
        registry: rBin[key] ?? '(missing)',
        tarball: tBin[key] ?? '(missing)',
      },
    );
  }
  return out;
}

/** npm folds optionalDependencies into dependencies in registry metadata; compare the merged view. */
function effectiveDependencies(manifest: JsonRecord): Record<string, string> {
  return { ...stringMap(manifest.dependencies), ...stringMap(manifest.optionalDependencies) };
}

function compareDependencies(
  registry: Record<string, string>,
  tarball: Record<string, string>,
  field: string,
  file: string,
): StaticSignal[] {
  const hidden = Object.keys(tarball).filter((k) => registry[k] === undefined);
  const missing = Object.keys(registry).filter((k) => tarball[k] === undefined);
  const changed = Object.keys(tarball).filter((k) => registry[k] !== undefined && registry[k] !== tarball[k]);
  if (hidden.length + missing.length + changed.length === 0) return [];
  const parts = [
    ...hidden.map((k) => `+${k}@${tarball[k]}`),
    ...changed.map((k) => `~${k}: ${registry[k]} -> ${tarball[k]}`),
    ...missing.map((k) => `-${k}@${registry[k]}`),
  ];
  return [
    signal(
      'manifest-confusion.dependencies',
      hidden.length > 0 || changed.length > 0 ? 'high' : 'medium',
      hidden.length > 0
        ? `the tarball's ${field} include ${hidden.length} package(s) the registry metadata does not show (${hidden.slice(0, 3).join(', ')})`
        : `registry and tarball ${field} differ (${parts.length} difference(s))`,
      { file, value: parts.join(', ') },
      { field, hidden: hidden.length, missing: missing.length, changed: changed.length },
    ),
  ];
}

/** `"bin": "cli.js"` means a command named after the package (without its scope); paths lose `./`. */
function normalizeBin(bin: unknown, packageName: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof bin === 'string') {
    if (packageName) out[splitNpmName(packageName).bare] = normalizePackagePath(bin) ?? bin;
    return out;
  }
  for (const [k, v] of Object.entries(stringMap(bin))) out[k] = normalizePackagePath(v) ?? v;
  return out;
}

function clean(field: 'name' | 'version', value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return field === 'version' ? value.trim().replace(/^[=v]+/, '') : value.trim();
}

function show(value: string | undefined): string {
  return value === undefined ? '(missing)' : JSON.stringify(value);
}

/**
 * Non-registry dependencies in a package.json. Git, URL and file specs bypass the registry's integrity
 * and immutability (a git dependency also runs its `prepare` script when npm builds it), and an alias
 * (`"lodash": "npm:other@1"`) installs something else under a trusted name.
 */
import { asRecord, jsonKeyLine, stringMap } from './manifest-fields.js';
import { signal, type SignalSeverity, type StaticSignal } from './signal.js';

export type NpmSpecKind = 'registry' | 'git' | 'url' | 'file' | 'alias';

export const DEPENDENCY_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies'] as const;

/** How npm would fetch a dependency spec (a subset of npm-package-arg's types, decided without I/O). */
export function classifyNpmSpec(spec: string): NpmSpecKind {
  const s = spec.trim();
  if (/^npm:/i.test(s)) return 'alias';
  if (/^(?:git\+[a-z]+:|git:|git@|github:|gitlab:|bitbucket:|gist:)/i.test(s)) return 'git';
  if (
    /^https?:\/\/(?:github\.com|gitlab\.com|bitbucket\.org)\/[^/]+\/[^/]+?(?:\.git)?(?:#.*)?$/i.test(s) &&
    !/\.(?:tgz|tar\.gz|tar)(?:[?#].*)?$/i.test(s)
  )
    return 'git';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return 'url';
  if (/^(?:file:|link:|\.{1,2}(?:\/|\\|$)|\/|~\/|[a-z]:[\\/])/i.test(s)) return 'file';
  // GitHub shorthand `user/repo` or `user/repo#ref` (a scoped name never appears as a spec).
  if (/^[^@\s/:#]+\/[^\s/:#]+(?:#\S*)?$/.test(s) && !/^[\^~<>=*]/.test(s)) return 'git';
  return 'registry';
}

export interface NpmDependencySourceOptions {
  file?: string;
  manifestText?: string;
}

/** One signal per non-registry dependency in the manifest's dependency fields. */
export function checkNpmDependencySources(manifest: unknown, options: NpmDependencySourceOptions = {}): StaticSignal[] {
  const record = asRecord(manifest);
  const file = options.file ?? 'package.json';
  const out: StaticSignal[] = [];
  for (const field of DEPENDENCY_FIELDS) {
    for (const [dependency, spec] of Object.entries(stringMap(record?.[field]))) {
      const kind = classifyNpmSpec(spec);
      if (kind === 'registry') continue;
      // devDependencies are not installed when the package is installed as a dependency.
      const severity: SignalSeverity = field === 'devDependencies' ? 'info' : severityOf(kind, spec);
      out.push(
        signal(
          `dependency-source.${kind}`,
          severity,
          `${field} "${dependency}" comes from ${describe(kind, spec)}`,
          { file, line: jsonKeyLine(options.manifestText, dependency), snippet: `"${dependency}": ${JSON.stringify(spec)}`, value: spec },
          { field, dependency, kind },
        ),
      );
    }
  }
  return out;
}

function severityOf(kind: Exclude<NpmSpecKind, 'registry'>, spec: string): SignalSeverity {
  if (kind === 'url') return /^http:/i.test(spec) ? 'high' : 'medium';
  if (kind === 'git') return 'medium';
  return 'low';
}

function describe(kind: Exclude<NpmSpecKind, 'registry'>, spec: string): string {
  switch (kind) {
    case 'git':
      return 'a git repository (no registry integrity; npm runs its prepare script)';
    case 'url':
      return /^http:/i.test(spec) ? 'a plain-HTTP URL (no integrity, no TLS)' : 'a URL outside the registry (no registry integrity)';
    case 'file':
      return 'a local path (not installable from the registry)';
    case 'alias':
      return `another package under an alias (${spec})`;
  }
}

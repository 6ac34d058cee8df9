/**
 * A Python package's declared dependencies, read from its own files (nothing runs): PEP 508 requirement
 * strings from a wheel's METADATA or an sdist's PKG-INFO (`Requires-Dist`), else the sdist's
 * `*.egg-info/requires.txt`, `setup.cfg` `install_requires`, `pyproject.toml` `[project] dependencies`, or a
 * literal `install_requires=[...]` list in setup.py. Markers are evaluated for the sandbox's interpreter
 * (CPython 3.11 on x86_64 Linux); a marker this reader cannot evaluate keeps the requirement (installing
 * one package too many hides nothing, one too few may).
 */
import { normalizePypiName } from '@airlock/static-signals';

export interface PypiRequirement {
  /** PEP 503-normalised project name. */
  name: string;
  /** PEP 440 specifier set (`>=1.0,<2`), empty for any version. */
  specifier: string;
  /** The requirement as written, for the report. */
  text: string;
}

/** The environment markers are evaluated in: the sandbox image's Python. */
export const SANDBOX_PYTHON_MARKERS: Readonly<Record<string, string>> = {
  python_version: '3.11',
  python_full_version: '3.11.2',
  sys_platform: 'linux',
  platform_system: 'Linux',
  os_name: 'posix',
  platform_machine: 'x86_64',
  implementation_name: 'cpython',
  platform_python_implementation: 'CPython',
};

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*/;

/** One PEP 508 string, or null when it is not a named index requirement (a URL, a path, garbage). */
export function parseRequirement(text: string): (PypiRequirement & { marker: string | null }) | null {
  const [body, ...markerParts] = text.split(';');
  const m = NAME.exec(body!);
  if (!m) return null;
  const rest = body!.slice(m[0].length).trim();
  if (rest.startsWith('@')) return null; // a direct URL reference: not from an index
  if (!/^\(?\s*(?:(?:~=|==|!=|<=|>=|<|>|===)\s*[\w.*+!-]+\s*(?:,\s*|(?=\)?\s*$)))*\)?\s*$/.test(rest)) return null;
  const specifier = rest.replace(/^\(|\)$/g, '').replace(/\s+/g, '');
  const marker = markerParts.join(';').trim();
  return { name: normalizePypiName(m[1]!), specifier: specifier.replace(/,$/, ''), text: text.trim(), marker: marker || null };
}

/**
 * Whether a marker holds in `env`. `extra == ...` is false (no extras are asked for); a comparison this
 * reader does not know is true. Supports `and`, `or`, parentheses, quoted values on either side.
 */
export function markerApplies(marker: string, env: Readonly<Record<string, string>> = SANDBOX_PYTHON_MARKERS): boolean {
  const tokens = marker.match(/\(|\)|'[^']*'|"[^"]*"|[A-Za-z_][\w.]*|[<>=!~]=?=?|[^\s()]+/g) ?? [];
  let i = 0;
  const value = (t: string | undefined): { known: boolean; v: string; variable: string | null } => {
    if (t === undefined) return { known: false, v: '', variable: null };
    if (/^['"]/.test(t)) return { known: true, v: t.slice(1, -1), variable: null };
    return t in env ? { known: true, v: env[t]!, variable: t } : { known: false, v: '', variable: t };
  };
  const compare = (left: string, op: string, right: string, versions: boolean): boolean => {
    if (op === 'in') return right.includes(left);
    if (op === 'not') return !right.includes(left);
    if (!versions) return op === '==' ? left === right : op === '!=' ? left !== right : true;
    const a = left.split('.').map(Number);
    const b = right.split('.').map(Number);
    let c = 0;
    for (let k = 0; k < Math.max(a.length, b.length) && c === 0; k++) c = (a[k] ?? 0) - (b[k] ?? 0);
    if (Number.isNaN(c)) return true;
    return { '==': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0, '~=': c >= 0, '===': c === 0 }[op] ?? true;
  };
  const atom = (): boolean => {
    if (tokens[i] === '(') {
      i++;
      const inner = or();
      if (tokens[i] === ')') i++;
      return inner;
    }
    const leftToken = tokens[i++];
    const op = tokens[i++] ?? '';
    if (op === 'not' && tokens[i] === 'in') i++;
    const rightToken = tokens[i++];
    const left = value(leftToken);
    const right = value(rightToken);
    if (left.variable === 'extra' || right.variable === 'extra') return false;
    if (!left.known || !right.known) return true;
    const versions = /version/.test(left.variable ?? right.variable ?? '');
    return compare(left.v, op, right.v, versions);
  };
  const and = (): boolean => {
    let result = atom();
    while (tokens[i] === 'and') {
      i++;
      const next = atom();
      result = result && next;
    }
    return result;
  };
  const or = (): boolean => {
    let result = and();
    while (tokens[i] === 'or') {
      i++;
      const next = and();
      result = result || next;
    }
    return result;
  };
  try {
    return or();
  } catch {
    return true;
  }
}

/** Requirement strings of each source a Python archive may carry, in the order pip's build would trust them. */
export function declaredPypiRequirements(
  metadata: string | undefined,
  files: readonly { path: string; text?: string }[],
): PypiRequirement[] {
  const top = (name: string) => files.find((f) => f.path.split('/').length === 2 && f.path.endsWith(`/${name}`))?.text;
  const lists: string[][] = [
    requiresDist(metadata ?? ''),
    requiresTxt(files.find((f) => /^[^/]+\/[^/]+\.egg-info\/requires\.txt$/.test(f.path))?.text ?? ''),
    setupCfgRequires(top('setup.cfg') ?? ''),
    pyprojectDependencies(top('pyproject.toml') ?? ''),
    setupPyRequires(top('setup.py') ?? ''),
  ];
  const strings = lists.find((l) => l.length > 0) ?? [];
  const out = new Map<string, PypiRequirement>();
  for (const s of strings) {
    const r = parseRequirement(s);
    if (!r || (r.marker !== null && !markerApplies(r.marker))) continue;
    if (!out.has(r.name)) out.set(r.name, { name: r.name, specifier: r.specifier, text: r.text });
  }
  return [...out.values()];
}

/** `Requires-Dist:` header values of a METADATA or PKG-INFO file. */
export function requiresDist(metadata: string): string[] {
  const head = metadata.split(/\r?\n\r?\n/)[0] ?? '';
  return head
    .split(/\r?\n/)
    .filter((line) => /^Requires-Dist:/i.test(line))
    .map((line) => line.slice('Requires-Dist:'.length).trim());
}

/** setuptools' requires.txt: unconditional requirements come before the first `[extra]` section. */
function requiresTxt(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*\[/.test(line)) break;
    if (line.trim() && !line.trim().startsWith('#')) out.push(line.trim());
  }
  return out;
}

function setupCfgRequires(text: string): string[] {
  const m = /^install_requires\s*=\s*\n((?:[ \t]+\S.*\n?)*)/m.exec(text) ?? /^install_requires\s*=\s*(\S.*)$/m.exec(text);
  if (!m) return [];
  return m[1]!
    .split(/[\n;]/)
    .map((s) => s.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

function pyprojectDependencies(text: string): string[] {
  const project = /^\[project\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1] ?? '';
  const m = /^dependencies\s*=\s*\[([\s\S]*?)\]/m.exec(project);
  return m ? stringLiterals(m[1]!) : [];
}

/** A literal `install_requires=[...]` in setup.py; a computed one (read from a file, a variable) is not followed. */
function setupPyRequires(text: string): string[] {
  const m = /install_requires\s*=\s*\[([^\]]*)\]/.exec(text);
  return m ? stringLiterals(m[1]!.replace(/#.*$/gm, '')) : [];
}

function stringLiterals(text: string): string[] {
  return [...text.matchAll(/'([^'\n]*)'|"([^"\n]*)"/g)].map((m) => (m[1] ?? m[2] ?? '').trim()).filter(Boolean);
}

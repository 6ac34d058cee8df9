/**
 * Where each package sits in the inventory text (1-based line), for findings that point at a lockfile line
 * (SARIF). The parsers read JSON and YAML with parsers that keep no positions, so this is a second, line-based
 * pass: each format is cut into the blocks it writes one package in, and a package's line is the first line
 * of the first block that names it at its version. Pure: text and packages in, lines out.
 */
import { normalizePypiName } from './pep503.js';
import { parsePurl } from './purl.js';
import type { InventoryFormat, InventoryPackage } from './types.js';

interface Block {
  /** 1-based line of the block's first line. */
  line: number;
  lines: string[];
}

type Matcher = (block: Block, pkg: InventoryPackage) => boolean;

interface Layout {
  /** Whether a line opens a new block. */
  opens: (line: string) => boolean;
  matches: Matcher;
  /** The line within a matching block to point at (default its first). */
  lineOf?: (block: Block) => number;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const installedNames = (pkg: InventoryPackage): string[] => (pkg.alias ? [pkg.alias, pkg.name] : [pkg.name]);

/** package-lock v1-v3: `"node_modules/a/node_modules/b": {` or (v1) `"b": {`, then `"version": "x"`. */
const packageLock: Layout = {
  opens: (line) => /^\s*"[^"]*"\s*:\s*\{/.test(line),
  matches: ({ lines }, pkg) => {
    const key = /^\s*"([^"]*)"/.exec(lines[0]!)?.[1] ?? '';
    const at = key.lastIndexOf('node_modules/');
    const installed = at === -1 ? key : key.slice(at + 'node_modules/'.length);
    if (!installedNames(pkg).includes(installed)) return false;
    const v = escape(pkg.version);
    return lines.some((l) => new RegExp(`^\\s*"version"\\s*:\\s*"(?:npm:(?:@[^/"]+/)?[^@"]+@)?${v}"`).test(l));
  },
};

/** yarn v1 and berry: an unindented header naming every range (`a@^1, a@^1.2:`), then `version "x"` or `version: x`. */
const yarn: Layout = {
  opens: (line) => /^[^\s#]/.test(line),
  matches: ({ lines }, pkg) => {
    const header = lines[0]!;
    const named = installedNames(pkg).some((n) => new RegExp(`(?:^|[\\s,"])${escape(n)}@`).test(header));
    const v = escape(pkg.version);
    return named && lines.some((l) => new RegExp(`^\\s+version:?\\s+"?${v}"?\\s*$`).test(l));
  },
};

/** pnpm: one key line per package, `/a/1.0.0:` (v5), `/a@1.0.0(peer):` (v6) or `a@1.0.0:` (v9). */
const pnpm: Layout = {
  opens: () => true,
  matches: ({ lines }, pkg) =>
    installedNames(pkg).some((n) => new RegExp(`^\\s+['"]?/?${escape(n)}[@/]${escape(pkg.version)}(?:[(_:'"]|$)`).test(lines[0]!)),
};

/** requirements.txt: one line per pin, names compared as PEP 503 says. */
const requirements: Layout = {
  opens: () => true,
  matches: ({ lines }, pkg) => {
    const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s;#\\,]+)/.exec(lines[0]!);
    return !!m && normalizePypiName(m[1]!) === pkg.name && m[2] === pkg.version;
  },
};

/** poetry.lock: `[[package]]` blocks with `name = "x"` and `version = "y"`. */
const poetry: Layout = {
  opens: (line) => /^\[\[package\]\]\s*$/.test(line),
  matches: ({ lines }, pkg) => {
    const value = (key: string) => lines.map((l) => new RegExp(`^${key}\\s*=\\s*"([^"]*)"`).exec(l)?.[1]).find(Boolean);
    const name = value('name');
    return name !== undefined && normalizePypiName(name) === pkg.name && value('version') === pkg.version;
  },
  lineOf: (block) =>
    block.line +
    Math.max(
      0,
      block.lines.findIndex((l) => /^name\s*=/.test(l)),
    ),
};

/** CycloneDX and SPDX JSON: the line of the package's purl, else of its `"name"` followed by its version. */
const sbom: Layout = {
  opens: (line) => /"(?:purl|referenceLocator|name)"\s*:/.test(line),
  matches: ({ lines }, pkg) => {
    const first = lines[0]!;
    const purlText = /"(?:purl|referenceLocator)"\s*:\s*"([^"]+)"/.exec(first)?.[1];
    if (purlText) {
      const purl = parsePurl(purlText);
      if (!purl || purl.version !== pkg.version) return false;
      const name = purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name;
      return pkg.ecosystem === 'pypi' ? normalizePypiName(name) === pkg.name : name === pkg.name;
    }
    const name = /"name"\s*:\s*"([^"]+)"/.exec(first)?.[1];
    if (name === undefined || (pkg.ecosystem === 'pypi' ? normalizePypiName(name) : name) !== pkg.name) return false;
    const v = escape(pkg.version);
    return lines.slice(0, 20).some((l) => new RegExp(`"(?:version|versionInfo)"\\s*:\\s*"${v}"`).test(l));
  },
};

const LAYOUTS: Record<InventoryFormat, Layout> = {
  'package-lock': packageLock,
  'npm-shrinkwrap': packageLock,
  'yarn-v1': yarn,
  'yarn-berry': yarn,
  'pnpm-lock': pnpm,
  'requirements-txt': requirements,
  'poetry-lock': poetry,
  'cyclonedx-json': sbom,
  'spdx-json': sbom,
};

function blocks(text: string, layout: Layout): Block[] {
  const out: Block[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (layout.opens(line) || out.length === 0) out.push({ line: i + 1, lines: [line] });
    else out.at(-1)!.lines.push(line);
  });
  return out;
}

/**
 * The 1-based line of each package (aligned with `packages`), or undefined when no block of the text names it
 * at its version (a finding then points at the file without a line).
 */
export function locatePackages(format: InventoryFormat, text: string, packages: readonly InventoryPackage[]): (number | undefined)[] {
  const layout = LAYOUTS[format];
  const all = blocks(text, layout);
  return packages.map((pkg) => {
    const block = all.find((b) => layout.matches(b, pkg));
    return block && (layout.lineOf ? layout.lineOf(block) : block.line);
  });
}

/**
 * pip requirements files. Only `name==version` / `name===version` pins name one exact release, so only
 * those become packages; `--hash` options (pip-compile --generate-hashes) become the integrity, one SRI
 * token per allowed file. Includes, editables, URLs, paths, unpinned ranges and pip options are skipped
 * with a reason. Environment markers are ignored: a pinned line is listed whatever its marker says.
 */
import { Collector } from './collect.js';
import { InventoryError, excerpt } from './errors.js';
import { isPep440Version, normalizePypiName } from './pep503.js';
import { joinSri, sriFromHex } from './sri.js';
import type { InventoryParseResult } from './types.js';

const F = 'requirements-txt';

interface LogicalLine {
  text: string;
  /** 1-based number of the first physical line. */
  line: number;
}

/** Joins `\` continuations and drops comments (`#` at the start or after whitespace; `#egg=` in URLs stays). */
function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const raw = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let line = raw[i]!;
    while (line.endsWith('\\') && i + 1 < raw.length) line = `${line.slice(0, -1)} ${raw[++i]!}`;
    if (line.endsWith('\\')) line = line.slice(0, -1);
    // Whitespace runs collapsed first: it keeps the regexes below linear on hostile input.
    const stripped = line
      .replace(/\s+/g, ' ')
      .replace(/(?:^| )#.*$/, '')
      .trim();
    if (stripped !== '') out.push({ text: stripped, line: start + 1 });
  }
  return out;
}

const SOURCE_OPTIONS = new Set(['-i', '--index-url', '--extra-index-url', '-f', '--find-links', '--trusted-host', '--no-index']);

export function parseRequirementsTxt(text: string): InventoryParseResult {
  const c = new Collector();
  for (const { text: line, line: lineNo } of logicalLines(text)) {
    if (line.startsWith('-')) {
      readOption(c, line);
      continue;
    }
    readRequirement(c, line, lineNo);
  }
  return c.result(F);
}

function readOption(c: Collector, line: string): void {
  const m = /^(-[A-Za-z]|--[A-Za-z][\w-]*)(?:\s*=\s*|\s+)?(.*)$/.exec(line);
  const flag = m?.[1] ?? line;
  const value = (m?.[2] ?? '').trim();
  if (flag === '-r' || flag === '--requirement')
    c.skip(value, line, 'includes another requirements file, which is not read here; submit it separately');
  else if (flag === '-c' || flag === '--constraint') c.skip(value, line, 'refers to a constraints file, which is not read here');
  else if (flag === '-e' || flag === '--editable')
    c.skip(eggName(value) ?? value, line, 'an editable install from a local path or repository, not from the package index');
  else if (SOURCE_OPTIONS.has(flag))
    c.skip(flag, line, 'a pip option that changes where packages are downloaded from; the pinned packages are looked up on PyPI');
  else c.skip(flag, line, 'a pip option, not a package');
}

/** `…#egg=name` names the project of a VCS/URL requirement. */
function eggName(target: string): string | undefined {
  const egg = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(target)?.[1];
  return egg ? normalizePypiName(egg) : undefined;
}

function readRequirement(c: Collector, line: string, lineNo: number): void {
  // Per-requirement options (--hash, --config-settings, …) follow the requirement.
  const optionAt = line.search(/\s--?[A-Za-z]/);
  const requirement = (optionAt === -1 ? line : line.slice(0, optionAt)).trim();
  const options = optionAt === -1 ? '' : line.slice(optionAt);
  const withoutMarker = requirement.split(';')[0]!.trim();

  const direct = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*@\s*(\S.*)$/.exec(withoutMarker);
  if (direct) {
    c.skip(normalizePypiName(direct[1]!), direct[2]!, 'a direct URL or version-control reference, not from the package index');
    return;
  }
  if (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(withoutMarker) ||
    /^(?:\.{1,2}[\\/]|[\\/]|~[\\/]|[A-Za-z]:[\\/])/.test(withoutMarker) ||
    /\.(?:whl|tar\.gz|tgz|zip)$/i.test(withoutMarker)
  ) {
    c.skip(
      eggName(withoutMarker) ??
        withoutMarker
          .split(/[\\/#]/)
          .filter(Boolean)
          .pop() ??
        withoutMarker,
      withoutMarker,
      'a URL or local path, not from the package index',
    );
    return;
  }
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[\s*[A-Za-z0-9._,\s-]*\])?\s*(.*)$/.exec(withoutMarker);
  if (!m) throw new InventoryError(F, `cannot read "${excerpt(line)}" as a requirement (expected name==version)`, lineNo);
  const name = normalizePypiName(m[1]!);
  const specifiers = m[2]!
    .trim()
    .replace(/^\((.*)\)$/, '$1')
    .trim();
  if (specifiers === '') {
    c.skip(name, requirement, 'no version pinned (only name==version names one release)');
    return;
  }
  const clauses = specifiers.split(',').map((s) => s.trim());
  const parsed = clauses.map((clause) => {
    const s = /^(===|==|!=|~=|<=|>=|<|>)\s*([^\s,;]+)$/.exec(clause);
    if (!s) throw new InventoryError(F, `"${excerpt(clause)}" is not a version specifier (in "${excerpt(requirement)}")`, lineNo);
    return { op: s[1]!, version: s[2]! };
  });
  const exact = parsed.filter((s) => s.op === '===' || (s.op === '==' && !s.version.includes('*')));
  if (exact.length !== 1) {
    c.skip(name, requirement, `not pinned to one exact version (${specifiers}); only name==version names one release`);
    return;
  }
  const version = exact[0]!.version;
  if (exact[0]!.op === '==' && !isPep440Version(version)) {
    c.skip(name, requirement, `"${excerpt(version)}" is not a PEP 440 version`);
    return;
  }
  const integrity = joinSri(hashesOf(options, lineNo));
  c.add({ ecosystem: 'pypi', name, version, ...(integrity ? { integrity } : {}) });
}

/** `--hash=sha256:<hex>` (or `--hash sha256:<hex>`) -> SRI; pip itself rejects anything else, so do we. */
function hashesOf(options: string, lineNo: number): string[] {
  const out: string[] = [];
  for (const m of options.matchAll(/--hash(?:\s*=\s*|\s+)(\S*)/g)) {
    const [algorithm, hex] = m[1]!.split(':', 2);
    if (algorithm !== 'sha256' && algorithm !== 'sha384' && algorithm !== 'sha512') {
      throw new InventoryError(F, `--hash must be sha256:, sha384: or sha512: followed by a hex digest, got "${excerpt(m[1])}"`, lineNo);
    }
    const sri = hex === undefined ? undefined : sriFromHex(algorithm, hex);
    if (!sri) throw new InventoryError(F, `--hash ${algorithm}: value is not a ${algorithm} hex digest: "${excerpt(hex ?? '')}"`, lineNo);
    out.push(sri);
  }
  return out;
}

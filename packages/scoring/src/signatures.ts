/**
 * The keys a baseline is made of, computed the same way when learning and when scoring, so one
 * benign run generalises to the next: a written path becomes a path pattern, a process a program
 * signature, a destination a host key.
 */
import type { ProcessExec } from '@airlock/core';
import { basename, INTERPRETERS, programName, SHELLS } from './commands.js';

/** Placeholders the patterns add to the report's own (`<HOME>`, `<PKG>`, `<TMP>`, `<HASH>`, `<R>`, `<PID>`). */
export const PATTERN = {
  /** Any installed package's own folder: `<PKG>` or `.../node_modules/<name>` (scoped or not), the last one in the path. */
  nodePackage: '<NODE_PKG>',
  /** A name part with a digit (versions, hashes, counters) or a mixed-case random suffix. */
  variable: '<N>',
} as const;

const NODE_PACKAGE_DIR = /^.*(?:<PKG>|\/node_modules\/(?:@[^/.][^/]*\/)?[^/.@][^/]*)(?=\/|$)/;

/**
 * A name part that changes between runs or versions: has a digit, or is 6+ chars with a capital after a
 * small letter (mkdtemp's `VZbAUs`; `Release` or `README` stay).
 */
function isVariable(token: string): boolean {
  if (token.startsWith('<') && token.endsWith('>')) return false;
  return /\d/.test(token) || (token.length >= 6 && /[a-z][A-Z]/.test(token));
}

function generalizeSegment(segment: string): string {
  return segment
    .split(/([-_.+])/)
    .map((part, i) => (i % 2 === 0 && isVariable(part) ? PATTERN.variable : part))
    .join('');
}

/**
 * A normalised path (the report's `normalizedPath`) as a pattern that holds across packages and runs:
 * the writing package's own folder (`<PKG>`, or any `node_modules/<name>`, the innermost) becomes
 * `<NODE_PKG>`, and every name part with a digit or a mixed-case random run becomes `<N>`
 * (`v22.23.3-x64-9de703df` -> `<N>.<N>.<N>-<N>-<N>`). File and folder names without digits stay, so
 * `<NODE_PKG>/build/Release/addon.node` is one pattern for every package that builds an `addon.node`.
 */
export function pathPattern(normalizedPath: string): string {
  const path = normalizedPath.replace(NODE_PACKAGE_DIR, PATTERN.nodePackage);
  return path
    .split('/')
    .map((segment) => generalizeSegment(segment))
    .join('/');
}

/** The first command word of a shell `-c` script, skipping `VAR=value` prefixes and `exec`/`env`. */
function firstCommandWord(script: string): string {
  const words = script.trim().split(/\s+/);
  for (const word of words) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || word === 'exec' || word === 'env' || word === '(' || word === '{') continue;
    return basename(word.replace(/^["'(]+|["';)&|]+$/g, ''));
  }
  return '';
}

/** A path in argv, with the home folder, temp names and package folders generalised like written paths. */
function argPattern(arg: string): string {
  if (!arg.startsWith('/')) return generalizeSegment(basename(arg));
  const normalized = arg.replace(/^(?:\/home\/[^/]+|\/root)(?=\/|$)/, '<HOME>').replace(/^\/(?:tmp|var\/tmp|dev\/shm)\/[^/]+/, '<TMP>/<N>');
  return pathPattern(normalized);
}

/** A URL's host, so `curl https://github.com/...` is known by where it goes, not the whole URL. */
function urlHost(arg: string): string | null {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(arg);
  return match ? match[1]!.toLowerCase() : null;
}

/**
 * What a process was, precisely enough that learning it whitelists only that use of the program:
 * `sh -c <first command word>` (`sh -c node-gyp-build-test`), an interpreter with its script's path
 * pattern (`python3 <NODE_PKG>/gyp/gyp_main.py`) or `-c`/`-e`, any other program with its first
 * operand (a URL's host, a path pattern, or a word).
 */
export function programSignature(exec: Pick<ProcessExec, 'path' | 'argv'>): string {
  const program = programName(exec.path);
  const args = exec.argv.slice(1);
  if (SHELLS.has(program)) {
    const c = args.indexOf('-c');
    if (c >= 0) return `${program} -c ${firstCommandWord(args[c + 1] ?? '')}`;
  }
  if (INTERPRETERS.has(program)) {
    const inline = args.find((a) => a === '-c' || a === '-e' || a === '--eval');
    const script = args.find((a) => !a.startsWith('-'));
    if (inline !== undefined && (script === undefined || args.indexOf(inline) < args.indexOf(script))) return `${program} ${inline}`;
    if (script === undefined) return program;
    // `python3 -m pip`: the module is the program.
    const m = args.indexOf('-m');
    if (m >= 0 && m + 1 < args.length) return `${program} -m ${args[m + 1]}`;
    return `${program} ${argPattern(script)}`;
  }
  const operand = args.find((a) => !a.startsWith('-'));
  if (operand === undefined) return program;
  return `${program} ${urlHost(operand) ?? argPattern(operand)}`;
}

/** Fake-internet addresses (198.18.0.0/15, one per name per run) say nothing across runs. */
export function isFakeAddress(host: string): boolean {
  return /^198\.1[89]\.\d+\.\d+$/.test(host);
}

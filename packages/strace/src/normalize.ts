/**
 * Replaces the parts of paths that change from run to run (temp names, cache hashes, the home
 * directory, where the package under test was installed) with stable placeholders, so the
 * behaviour of two runs — or of a package and a baseline — can be compared as sets.
 */
import type { SocketAddress, StraceEvent } from './events.js';

export interface NormalizeOptions {
  /** The sandbox user's home, replaced by `<HOME>`. */
  homeDir?: string | null;
  /** npm name (`left-pad`, `@scope/pkg`) or PyPI name of the package under test; its install folder becomes `<PKG>`. */
  packageName?: string | null;
  /** Directories whose entries are per-run temp names. Default `/tmp`, `/var/tmp`, `/dev/shm`. */
  tmpDirs?: readonly string[];
}

export const PLACEHOLDER = {
  home: '<HOME>',
  tmp: '<TMP>',
  pkg: '<PKG>',
  hash: '<HASH>',
  random: '<R>',
  pid: '<PID>',
} as const;

const DEFAULT_TMP_DIRS = ['/tmp', '/var/tmp', '/dev/shm'];

/** cacache keeps blobs at content-v2/<algo>/ab/cd/<rest-of-hash> and index entries at index-v5/ab/cd/<hash>. */
const CACACHE_HASH = /\/_cacache\/(content-v2\/[a-z0-9]+|index-v5)(?:\/[0-9a-f]{2}){1,2}(?:\/[0-9a-f]+)?(?=\/|$)/;
const CACACHE_TMP = /\/_cacache\/tmp\/[^/]+/;
const NPM_LOG = /\/_logs\/[^/]*-debug-\d+\.log$/;
const PROC_PID = /^\/proc\/\d+(?=\/|$)/;

/**
 * True for a name part that looks generated: 4+ chars with a digit (`a1b2`, `1234`, `9e66`), or
 * 6+ chars mixing cases (mkdtemp's `XWfY7P`). Words like `npm`, `build`, `evil` stay.
 */
function looksRandom(token: string): boolean {
  if (token.length >= 4 && /\d/.test(token)) return true;
  return token.length >= 6 && /[a-z]/.test(token) && /[A-Z]/.test(token);
}

/** `npm-1234-a1b2c3d4` → `npm-<R>-<R>`; `tmp.XWfY7P` → `tmp.<R>`. */
export function maskRandomName(name: string): string {
  return name
    .split(/([-_.])/)
    .map((part, i) => (i % 2 === 0 && looksRandom(part) ? PLACEHOLDER.random : part))
    .join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Pattern for `/node_modules/<name>` (and Python's `site-packages/<name>`) followed by `/` or the end. */
function packageDirPattern(name: string): RegExp {
  const npm = escapeRegExp(name);
  const py = escapeRegExp(name.toLowerCase().replace(/[-.]+/g, '_'));
  return new RegExp(`^.*?/(?:node_modules/${npm}|site-packages/${py})(?=/|$)`);
}

const patternCache = new Map<string, RegExp>();

/** Stable form of an absolute path; relative paths and non-paths are returned unchanged. */
export function normalizePath(path: string, options: NormalizeOptions = {}): string {
  if (!path.startsWith('/')) return path;
  let p = path;
  if (options.packageName) {
    let re = patternCache.get(options.packageName);
    if (!re) {
      re = packageDirPattern(options.packageName);
      if (patternCache.size > 64) patternCache.clear();
      patternCache.set(options.packageName, re);
    }
    if (re.test(p)) return p.replace(re, PLACEHOLDER.pkg);
  }
  p = p.replace(CACACHE_HASH, (_m, area: string) => `/_cacache/${area}/${PLACEHOLDER.hash}`);
  p = p.replace(CACACHE_TMP, `/_cacache/tmp/${PLACEHOLDER.random}`);
  p = p.replace(NPM_LOG, `/_logs/${PLACEHOLDER.random}-debug.log`);
  p = p.replace(PROC_PID, `/proc/${PLACEHOLDER.pid}`);
  const home = options.homeDir?.replace(/\/+$/, '');
  if (home && (p === home || p.startsWith(`${home}/`))) return PLACEHOLDER.home + p.slice(home.length);
  for (const dir of options.tmpDirs ?? DEFAULT_TMP_DIRS) {
    if (p.startsWith(`${dir}/`)) {
      const rest = p.slice(dir.length + 1);
      const slash = rest.indexOf('/');
      const first = slash === -1 ? rest : rest.slice(0, slash);
      return `${PLACEHOLDER.tmp}/${maskRandomName(first)}${slash === -1 ? '' : rest.slice(slash)}`;
    }
  }
  return p;
}

/** Normalises each `:`-separated absolute path in an env value (PATH, PWD, ...). */
function normalizeEnvEntry(entry: string, options: NormalizeOptions): string {
  const eq = entry.indexOf('=');
  if (eq <= 0) return entry;
  const value = entry.slice(eq + 1);
  if (!value.includes('/')) return entry;
  return `${entry.slice(0, eq + 1)}${value
    .split(':')
    .map((v) => normalizePath(v, options))
    .join(':')}`;
}

function normalizeAddress(address: SocketAddress | null, options: NormalizeOptions): SocketAddress | null {
  if (address && address.family === 'AF_UNIX' && !address.abstract) return { ...address, path: normalizePath(address.path, options) };
  return address;
}

/** A copy of the event with every path normalised (pid, ts and seq are left as they are). */
export function normalizeEvent<E extends StraceEvent>(event: E, options: NormalizeOptions = {}): E {
  const e = event;
  const n = (path: string): string => normalizePath(path, options);
  switch (e.category) {
    case 'file': {
      const out = { ...e, path: n(e.path) };
      if (out.type === 'open') {
        out.requestedPath = n(out.requestedPath);
        out.resolvedPath = out.resolvedPath === null ? null : n(out.resolvedPath);
      } else if (out.type === 'rename') out.newPath = n(out.newPath);
      else if (out.type === 'link') out.target = n(out.target);
      return out;
    }
    case 'process':
      if (e.type === 'exec') {
        return {
          ...e,
          path: n(e.path),
          cwd: e.cwd === null ? null : n(e.cwd),
          argv: e.argv.map(n),
          env: e.env === null ? null : e.env.map((v) => normalizeEnvEntry(v, options)),
        };
      }
      return { ...e };
    case 'network': {
      const socket = e.socket?.path ? { ...e.socket, path: n(e.socket.path) } : e.socket;
      switch (e.type) {
        case 'connect':
        case 'bind':
          return { ...e, socket, address: normalizeAddress(e.address, options) };
        case 'accept':
          return { ...e, socket, peer: normalizeAddress(e.peer, options) };
        case 'send':
          return { ...e, socket, destination: normalizeAddress(e.destination, options) };
        case 'recv':
          return { ...e, socket, source: normalizeAddress(e.source, options) };
        default:
          return { ...e, socket };
      }
    }
    default:
      return { ...e };
  }
}

function resultTag(event: StraceEvent): string {
  const r = event.result;
  if (r.status === 'error') return r.errno;
  return r.status;
}

function addressTag(a: SocketAddress | null): string {
  if (!a) return '-';
  if (a.family === 'AF_UNIX') return `unix:${a.abstract ? '@' : ''}${a.path}`;
  if (a.family === 'other') return a.name;
  return a.family === 'AF_INET6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/**
 * One-line summary of what an event did, without the parts that always differ between runs
 * (pid, time, fd numbers, ephemeral ports of our own side, payload bytes). Two runs of the same
 * package should produce the same set of signatures.
 */
export function eventSignature(event: StraceEvent, options: NormalizeOptions = {}): string {
  const e = normalizeEvent(event, options);
  const head = `${e.category}.${e.type}`;
  const tail = ` = ${resultTag(e)}`;
  switch (e.type) {
    case 'spawn':
      return `${head} ${e.thread ? 'thread' : 'process'}${tail}`;
    case 'exec':
      return `${head} ${e.path} ${JSON.stringify(e.argv.slice(1))}${tail}`;
    case 'exit':
      return `${head} ${e.source} ${e.signal ?? e.code}${tail}`;
    case 'kill':
      return `${head} ${e.signal}${tail}`;
    case 'signal':
      return `${head} ${e.signal}${tail}`;
    case 'open':
      return `${head}.${e.intent} ${e.path}${tail}`;
    case 'rename':
      return `${head} ${e.path} -> ${e.newPath}${tail}`;
    case 'link':
      return `${head} ${e.path} -> ${e.target}${e.symbolic ? ' (symbolic)' : ''}${tail}`;
    case 'chmod':
      return `${head} ${e.path} ${e.mode === null ? '?' : e.mode.toString(8)}${tail}`;
    case 'chown':
      return `${head} ${e.path} ${e.uid}:${e.gid}${tail}`;
    case 'unlink':
    case 'rmdir':
    case 'mkdir':
    case 'truncate':
    case 'chdir':
    case 'readdir':
    case 'stat':
      return `${head} ${e.path}${tail}`;
    case 'socket':
      return `${head} ${e.domain} ${e.socketType}${tail}`;
    case 'connect':
    case 'bind':
      return `${head} ${addressTag(e.address)}${tail}`;
    case 'listen':
      return `${head} ${e.socket?.local ? `${e.socket.local.address}:${e.socket.local.port}` : '-'}${tail}`;
    case 'accept':
      return `${head} ${e.socket?.local ? `${e.socket.local.address}:${e.socket.local.port}` : '-'}${tail}`;
    case 'send':
      return `${head} ${addressTag(e.destination)}${tail}`;
    case 'recv':
      return `${head} ${addressTag(e.source)}${tail}`;
    case 'dns':
      return `${head} ${e.qtype} ${e.qname}${tail}`;
    case 'setid':
      return `${head} ${e.syscall}(${e.ids.join(',')})${tail}`;
    case 'ptrace':
      return `${head} ${e.request}${tail}`;
  }
}

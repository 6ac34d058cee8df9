/**
 * Builders for filesystem syscalls. Paths are made absolute from the `-yy` dirfd decoration,
 * or from the per-pid cwd for the old non-`at` calls, so rules can match on full paths.
 */
import type { FileIntent } from './events.js';
import { parseFdArg } from './fd-decoration.js';
import { resolvePath } from './paths.js';
import { type BuildContext, type SyscallBuilder, type SyscallRecord, okValue, succeeded } from './syscall-record.js';
import { atomText, countListItems, field, parseFlags, parseIntPrefix, parseMode, parseValue, stringText } from './values.js';

/** Directory that a relative path in this call is relative to; learns the cwd from `AT_FDCWD</dir>`. */
function baseDir(call: SyscallRecord, ctx: BuildContext, dirArg: string | null | undefined): string | null {
  if (dirArg === null || dirArg === undefined) return ctx.cwd.get(call.pid);
  const ref = parseFdArg(dirArg);
  if (ref.atFdcwd) {
    if (ref.path !== null) {
      ctx.cwd.set(call.pid, ref.path);
      return ref.path;
    }
    return ctx.cwd.get(call.pid);
  }
  return ref.path;
}

/** A path argument made absolute when possible; null if the argument is not a string. */
function pathAt(
  call: SyscallRecord,
  ctx: BuildContext,
  dirArg: string | null | undefined,
  index: number,
): { path: string; requested: string } | null {
  const text = call.args[index];
  if (text === undefined) return null;
  const requested = stringText(parseValue(text));
  if (requested === null) return null;
  return { path: resolvePath(baseDir(call, ctx, dirArg), requested), requested };
}

/** The path behind an fd argument, or `fd:N` when strace could not decorate it. */
function fdPath(text: string | undefined): { path: string; fd: number | null } {
  const ref = parseFdArg(text);
  return { path: ref.path ?? `fd:${ref.fd ?? '?'}`, fd: ref.fd };
}

export function openIntent(flags: string[]): FileIntent {
  const writes = flags.includes('O_WRONLY') || flags.includes('O_RDWR');
  if (flags.includes('O_CREAT') || flags.includes('O_TMPFILE')) return 'create';
  if (writes && flags.includes('O_TRUNC')) return 'truncate';
  return writes ? 'write' : 'read';
}

function emitOpen(
  call: SyscallRecord,
  ctx: BuildContext,
  dirArg: string | null,
  pathIndex: number,
  flags: string[],
  mode: number | null,
): void {
  const p = pathAt(call, ctx, dirArg, pathIndex);
  if (!p) return ctx.malformed(call);
  const fd = okValue(call);
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'file',
    type: 'open',
    path: p.path,
    requestedPath: p.requested,
    flags,
    mode,
    intent: openIntent(flags),
    fd,
    resolvedPath: call.result.status === 'ok' ? parseFdArg(call.result.raw).path : null,
  });
}

const open: SyscallBuilder = (call, ctx) => emitOpen(call, ctx, null, 0, parseFlags(call.args[1]), parseMode(call.args[2]));
const openat: SyscallBuilder = (call, ctx) => emitOpen(call, ctx, call.args[0] ?? '', 1, parseFlags(call.args[2]), parseMode(call.args[3]));
const openat2: SyscallBuilder = (call, ctx) => {
  const how = call.args[2] === undefined ? undefined : parseValue(call.args[2]);
  emitOpen(call, ctx, call.args[0] ?? '', 1, parseFlags(atomText(field(how, 'flags'))), parseMode(atomText(field(how, 'mode'))));
};
const creat: SyscallBuilder = (call, ctx) => emitOpen(call, ctx, null, 0, ['O_WRONLY', 'O_CREAT', 'O_TRUNC'], parseMode(call.args[1]));

/** Builder for calls shaped `(path...)` or `(dirfd, path...)` that emit one simple event. */
function simplePath(type: 'unlink' | 'rmdir' | 'chdir' | 'stat', dirIndex: number | null, pathIndex: number): SyscallBuilder {
  return (call, ctx) => {
    const p = pathAt(call, ctx, dirIndex === null ? null : (call.args[dirIndex] ?? ''), pathIndex);
    if (!p) return ctx.malformed(call);
    // `newfstatat(fd, "", ..., AT_EMPTY_PATH)` is fstat of an open file: nothing new was looked at.
    if (type === 'stat' && p.requested === '') return;
    let kind = type;
    // unlinkat(..., AT_REMOVEDIR) is rmdir.
    if (type === 'unlink' && dirIndex !== null && parseFlags(call.args[2]).includes('AT_REMOVEDIR')) kind = 'rmdir';
    if (kind === 'chdir' && succeeded(call)) ctx.cwd.set(call.pid, p.path);
    ctx.emit({ seq: 0, ts: call.ts, pid: call.pid, syscall: call.name, result: call.result, category: 'file', type: kind, path: p.path });
  };
}

const fchdir: SyscallBuilder = (call, ctx) => {
  const { path } = fdPath(call.args[0]);
  if (succeeded(call) && path.startsWith('/')) ctx.cwd.set(call.pid, path);
  ctx.emit({ seq: 0, ts: call.ts, pid: call.pid, syscall: call.name, result: call.result, category: 'file', type: 'chdir', path });
};

function rename(oldDir: number | null, oldPath: number, newDir: number | null, newPath: number, flagsAt: number | null): SyscallBuilder {
  return (call, ctx) => {
    const from = pathAt(call, ctx, oldDir === null ? null : (call.args[oldDir] ?? ''), oldPath);
    const to = pathAt(call, ctx, newDir === null ? null : (call.args[newDir] ?? ''), newPath);
    if (!from || !to) return ctx.malformed(call);
    ctx.emit({
      seq: 0,
      ts: call.ts,
      pid: call.pid,
      syscall: call.name,
      result: call.result,
      category: 'file',
      type: 'rename',
      path: from.path,
      newPath: to.path,
      flags: flagsAt === null ? [] : parseFlags(call.args[flagsAt]),
    });
  };
}

function chmod(dirIndex: number | null, pathIndex: number): SyscallBuilder {
  return (call, ctx) => {
    const p = pathAt(call, ctx, dirIndex === null ? null : (call.args[dirIndex] ?? ''), pathIndex);
    if (!p) return ctx.malformed(call);
    ctx.emit({
      seq: 0,
      ts: call.ts,
      pid: call.pid,
      syscall: call.name,
      result: call.result,
      category: 'file',
      type: 'chmod',
      path: p.path,
      mode: parseMode(call.args[pathIndex + 1]),
    });
  };
}

const fchmod: SyscallBuilder = (call, ctx) =>
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'file',
    type: 'chmod',
    path: fdPath(call.args[0]).path,
    mode: parseMode(call.args[1]),
  });

function chown(dirIndex: number | null, pathIndex: number): SyscallBuilder {
  return (call, ctx) => {
    const p = pathAt(call, ctx, dirIndex === null ? null : (call.args[dirIndex] ?? ''), pathIndex);
    if (!p) return ctx.malformed(call);
    ctx.emit({
      seq: 0,
      ts: call.ts,
      pid: call.pid,
      syscall: call.name,
      result: call.result,
      category: 'file',
      type: 'chown',
      path: p.path,
      uid: parseIntPrefix(call.args[pathIndex + 1]),
      gid: parseIntPrefix(call.args[pathIndex + 2]),
    });
  };
}

const fchown: SyscallBuilder = (call, ctx) =>
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'file',
    type: 'chown',
    path: fdPath(call.args[0]).path,
    uid: parseIntPrefix(call.args[1]),
    gid: parseIntPrefix(call.args[2]),
  });

/** symlink(target, linkpath) / symlinkat(target, dirfd, linkpath): the target is stored verbatim. */
function symlink(dirIndex: number | null, linkIndex: number): SyscallBuilder {
  return (call, ctx) => {
    const target = call.args[0] === undefined ? null : stringText(parseValue(call.args[0]));
    const link = pathAt(call, ctx, dirIndex === null ? null : (call.args[dirIndex] ?? ''), linkIndex);
    if (target === null || !link) return ctx.malformed(call);
    ctx.emit({
      seq: 0,
      ts: call.ts,
      pid: call.pid,
      syscall: call.name,
      result: call.result,
      category: 'file',
      type: 'link',
      path: link.path,
      symbolic: true,
      target,
    });
  };
}

/** link(old, new) / linkat(olddirfd, old, newdirfd, new, flags): hard link `new` to existing `old`. */
function hardLink(oldDir: number | null, oldPath: number, newDir: number | null, newPath: number): SyscallBuilder {
  return (call, ctx) => {
    const from = pathAt(call, ctx, oldDir === null ? null : (call.args[oldDir] ?? ''), oldPath);
    const to = pathAt(call, ctx, newDir === null ? null : (call.args[newDir] ?? ''), newPath);
    if (!from || !to) return ctx.malformed(call);
    ctx.emit({
      seq: 0,
      ts: call.ts,
      pid: call.pid,
      syscall: call.name,
      result: call.result,
      category: 'file',
      type: 'link',
      path: to.path,
      symbolic: false,
      target: from.path,
    });
  };
}

function mkdir(dirIndex: number | null, pathIndex: number): SyscallBuilder {
  return (call, ctx) => {
    const p = pathAt(call, ctx, dirIndex === null ? null : (call.args[dirIndex] ?? ''), pathIndex);
    if (!p) return ctx.malformed(call);
    ctx.emit({
      seq: 0,
      ts: call.ts,
      pid: call.pid,
      syscall: call.name,
      result: call.result,
      category: 'file',
      type: 'mkdir',
      path: p.path,
      mode: parseMode(call.args[pathIndex + 1]),
    });
  };
}

const truncate: SyscallBuilder = (call, ctx) => {
  const p = pathAt(call, ctx, null, 0);
  if (!p) return ctx.malformed(call);
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'file',
    type: 'truncate',
    path: p.path,
    length: parseIntPrefix(call.args[1]),
  });
};

const ftruncate: SyscallBuilder = (call, ctx) =>
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'file',
    type: 'truncate',
    path: fdPath(call.args[0]).path,
    length: parseIntPrefix(call.args[1]),
  });

const getdents: SyscallBuilder = (call, ctx) => {
  const { path, fd } = fdPath(call.args[0]);
  const listing = call.args[1];
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'file',
    type: 'readdir',
    path,
    fd,
    entryCount: listing === undefined ? null : countListItems(listing),
  });
};

export const fileBuilders: Record<string, SyscallBuilder> = {
  open,
  openat,
  openat2,
  creat,
  unlink: simplePath('unlink', null, 0),
  unlinkat: simplePath('unlink', 0, 1),
  rmdir: simplePath('rmdir', null, 0),
  chdir: simplePath('chdir', null, 0),
  stat: simplePath('stat', null, 0),
  lstat: simplePath('stat', null, 0),
  newfstatat: simplePath('stat', 0, 1),
  statx: simplePath('stat', 0, 1),
  access: simplePath('stat', null, 0),
  faccessat: simplePath('stat', 0, 1),
  faccessat2: simplePath('stat', 0, 1),
  fchdir,
  rename: rename(null, 0, null, 1, null),
  renameat: rename(0, 1, 2, 3, null),
  renameat2: rename(0, 1, 2, 3, 4),
  chmod: chmod(null, 0),
  fchmod,
  fchmodat: chmod(0, 1),
  fchmodat2: chmod(0, 1),
  chown: chown(null, 0),
  lchown: chown(null, 0),
  fchown,
  fchownat: chown(0, 1),
  symlink: symlink(null, 1),
  symlinkat: symlink(1, 2),
  link: hardLink(null, 0, null, 1),
  linkat: hardLink(0, 1, 2, 3),
  mkdir: mkdir(null, 0),
  mkdirat: mkdir(0, 1),
  truncate,
  ftruncate,
  getdents64: getdents,
  getdents,
};

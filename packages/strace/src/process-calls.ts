/** Builders for process lifecycle syscalls: clone/fork, execve, exit, kill. */
import { parseFdArg } from './fd-decoration.js';
import { resolvePath } from './paths.js';
import { type BuildContext, type SyscallBuilder, type SyscallRecord, okValue } from './syscall-record.js';
import { type ArgValue, atomText, field, parseFlags, parseIntPrefix, parseValue, stringText } from './values.js';

/** clone(child_stack=..., flags=A|B, ...) prints named top-level args; find one by name. */
function namedArg(args: string[], name: string): string | null {
  const prefix = `${name}=`;
  for (const a of args) {
    const t = a.trim();
    if (t.startsWith(prefix)) return t.slice(prefix.length);
  }
  return null;
}

function spawn(call: SyscallRecord, ctx: BuildContext, flags: string[]): void {
  const childPid = okValue(call);
  if (childPid !== null && childPid > 0) ctx.cwd.inherit(call.pid, childPid);
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'process',
    type: 'spawn',
    childPid: childPid !== null && childPid > 0 ? childPid : null,
    thread: flags.includes('CLONE_THREAD'),
    flags,
  });
}

const clone: SyscallBuilder = (call, ctx) => spawn(call, ctx, parseFlags(namedArg(call.args, 'flags')));

const clone3: SyscallBuilder = (call, ctx) => {
  const args = call.args[0] === undefined ? undefined : parseValue(call.args[0]);
  spawn(call, ctx, parseFlags(atomText(field(args, 'flags'))));
};

const fork: SyscallBuilder = (call, ctx) => spawn(call, ctx, []);

/** Strings of an argv/envp array; atoms (pointers strace could not read) are kept as text. */
function stringList(value: ArgValue): { items: string[]; truncated: boolean } {
  if (value.kind !== 'array') return { items: [], truncated: false };
  let truncated = value.truncated;
  const items: string[] = [];
  for (const item of value.items) {
    if (item.kind === 'string') {
      items.push(stringText(item)!);
      if (item.truncated) truncated = true;
    } else if (item.kind === 'atom') {
      items.push(item.text);
    }
  }
  return { items, truncated };
}

function exec(call: SyscallRecord, ctx: BuildContext, dirArg: string | null, at: number): void {
  const pathArg = call.args[at];
  const requested = pathArg === undefined ? null : stringText(parseValue(pathArg));
  if (requested === null) return ctx.malformed(call);
  const cwd = ctx.cwd.get(call.pid);
  const base = dirArg === null ? cwd : dirBase(dirArg, cwd);
  const argv = call.args[at + 1] === undefined ? { items: [], truncated: false } : stringList(parseValue(call.args[at + 1]!));
  let env: string[] | null = null;
  let envCount: number | null = null;
  let truncated = argv.truncated;
  const envText = call.args[at + 2];
  if (envText !== undefined) {
    const envValue = parseValue(envText);
    if (envValue.kind === 'array') {
      const list = stringList(envValue);
      env = list.items;
      envCount = list.items.length;
      truncated ||= list.truncated;
    } else {
      // Without -v strace prints `0x7ffd... /* 38 vars */`.
      const m = /(\d+) vars?\b/.exec(envText);
      envCount = m ? parseInt(m[1]!, 10) : null;
    }
  }
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'process',
    type: 'exec',
    path: resolvePath(base, requested),
    argv: argv.items,
    env,
    envCount,
    cwd,
    truncated,
  });
}

function dirBase(dirArg: string, cwd: string | null): string | null {
  const ref = parseFdArg(dirArg);
  if (ref.atFdcwd) return ref.path ?? cwd;
  return ref.path;
}

const execve: SyscallBuilder = (call, ctx) => exec(call, ctx, null, 0);
const execveat: SyscallBuilder = (call, ctx) => exec(call, ctx, call.args[0] ?? '', 1);

function exitCall(source: 'exit' | 'exit_group'): SyscallBuilder {
  return (call, ctx) =>
    ctx.emit({
      seq: 0,
      ts: call.ts,
      pid: call.pid,
      syscall: call.name,
      result: call.result,
      category: 'process',
      type: 'exit',
      code: parseIntPrefix(call.args[0]),
      signal: null,
      coreDumped: false,
      source,
    });
}

/** kill(pid, sig), tkill(tid, sig), tgkill(tgid, tid, sig). */
function killCall(pidAt: number | null, tidAt: number | null, sigAt: number): SyscallBuilder {
  return (call, ctx) => {
    const signal = call.args[sigAt]?.trim();
    if (signal === undefined) return ctx.malformed(call);
    const targetTid = tidAt === null ? null : parseIntPrefix(call.args[tidAt]);
    ctx.emit({
      seq: 0,
      ts: call.ts,
      pid: call.pid,
      syscall: call.name,
      result: call.result,
      category: 'process',
      type: 'kill',
      targetPid: pidAt === null ? targetTid : parseIntPrefix(call.args[pidAt]),
      targetTid,
      signal,
    });
  };
}

export const processBuilders: Record<string, SyscallBuilder> = {
  clone,
  clone2: clone,
  clone3,
  fork,
  vfork: fork,
  execve,
  execveat,
  exit: exitCall('exit'),
  exit_group: exitCall('exit_group'),
  kill: killCall(0, null, 1),
  tkill: killCall(null, 0, 1),
  tgkill: killCall(0, 1, 2),
};

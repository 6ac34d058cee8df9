/** Builders for identity changes and ptrace: a package has no business doing either during install. */
import { type SyscallBuilder } from './syscall-record.js';
import { parseIntPrefix } from './values.js';

/** setuid(u), setreuid(r, e), setresuid(r, e, s) and the gid/fs/32-bit variants. */
function setId(idKind: 'uid' | 'gid'): SyscallBuilder {
  return (call, ctx) => {
    const ids: number[] = [];
    for (const a of call.args) {
      const v = parseIntPrefix(a);
      if (v !== null) ids.push(v);
    }
    ctx.emit({
      seq: 0,
      ts: call.ts,
      pid: call.pid,
      syscall: call.name,
      result: call.result,
      category: 'privilege',
      type: 'setid',
      idKind,
      ids,
    });
  };
}

/** ptrace(request, pid, addr, data); PTRACE_TRACEME has no pid. */
const ptrace: SyscallBuilder = (call, ctx) => {
  const request = call.args[0]?.trim();
  if (!request) return ctx.malformed(call);
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'privilege',
    type: 'ptrace',
    request,
    targetPid: parseIntPrefix(call.args[1]),
  });
};

const uid = setId('uid');
const gid = setId('gid');

export const privilegeBuilders: Record<string, SyscallBuilder> = {
  setuid: uid,
  setuid32: uid,
  setreuid: uid,
  setreuid32: uid,
  setresuid: uid,
  setresuid32: uid,
  setfsuid: uid,
  setfsuid32: uid,
  setgid: gid,
  setgid32: gid,
  setregid: gid,
  setregid32: gid,
  setresgid: gid,
  setresgid32: gid,
  setfsgid: gid,
  setfsgid32: gid,
  ptrace,
};

/**
 * gVisor prints an errno as its number and Go error text (`errno=2 (no such file or directory)`);
 * the builders and the report expect strace's symbolic name (`ENOENT`). Linux x86_64 numbering.
 */
import type { CallResult } from '../events.js';
import type { SyscallReturn } from './log-line.js';

const NAMES = (
  'EPERM ENOENT ESRCH EINTR EIO ENXIO E2BIG ENOEXEC EBADF ECHILD EAGAIN ENOMEM EACCES EFAULT ENOTBLK EBUSY ' +
  'EEXIST EXDEV ENODEV ENOTDIR EISDIR EINVAL ENFILE EMFILE ENOTTY ETXTBSY EFBIG ENOSPC ESPIPE EROFS EMLINK EPIPE ' +
  'EDOM ERANGE EDEADLK ENAMETOOLONG ENOLCK ENOSYS ENOTEMPTY ELOOP - ENOMSG EIDRM ECHRNG EL2NSYNC EL3HLT EL3RST ' +
  'ELNRNG EUNATCH ENOCSI EL2HLT EBADE EBADR EXFULL ENOANO EBADRQC EBADSLT - EBFONT ENOSTR ENODATA ETIME ENOSR ' +
  'ENONET ENOPKG EREMOTE ENOLINK EADV ESRMNT ECOMM EPROTO EMULTIHOP EDOTDOT EBADMSG EOVERFLOW ENOTUNIQ EBADFD ' +
  'EREMCHG ELIBACC ELIBBAD ELIBSCN ELIBMAX ELIBEXEC EILSEQ ERESTART ESTRPIPE EUSERS ENOTSOCK EDESTADDRREQ EMSGSIZE ' +
  'EPROTOTYPE ENOPROTOOPT EPROTONOSUPPORT ESOCKTNOSUPPORT EOPNOTSUPP EPFNOSUPPORT EAFNOSUPPORT EADDRINUSE ' +
  'EADDRNOTAVAIL ENETDOWN ENETUNREACH ENETRESET ECONNABORTED ECONNRESET ENOBUFS EISCONN ENOTCONN ESHUTDOWN ' +
  'ETOOMANYREFS ETIMEDOUT ECONNREFUSED EHOSTDOWN EHOSTUNREACH EALREADY EINPROGRESS ESTALE EUCLEAN ENOTNAM ENAVAIL ' +
  'EISNAM EREMOTEIO EDQUOT ENOMEDIUM EMEDIUMTYPE ECANCELED ENOKEY EKEYEXPIRED EKEYREVOKED EKEYREJECTED EOWNERDEAD ' +
  'ENOTRECOVERABLE ERFKILL EHWPOISON'
).split(' ');

/** Kernel-internal codes from 512; they only reach a trace as "interrupted, to be restarted". */
const INTERNAL = (
  'ERESTARTSYS ERESTARTNOINTR ERESTARTNOHAND ENOIOCTLCMD ERESTART_RESTARTBLOCK EPROBE_DEFER EOPENSTALE ENOPARAM - ' +
  'EBADHANDLE ENOTSYNC EBADCOOKIE ENOTSUPP ETOOSMALL ESERVERFAULT EBADTYPE EJUKEBOX EIOCBQUEUED ERECALLCONFLICT'
).split(' ');

/** strace's name for an errno number; `errno N` (as strace prints unknown ones) otherwise. */
export function errnoName(errno: number): string {
  const name = errno >= 512 ? INTERNAL[errno - 512] : NAMES[errno - 1];
  return name === undefined || name === '-' ? `errno ${errno}` : name;
}

/** The call is interrupted and will be issued again (a fresh entry/exit pair follows): not a call of its own. */
export function isRestart(ret: SyscallReturn): boolean {
  return ret.errno !== null && ret.errno >= 512 && ret.errno <= 516;
}

/** strace's text is libc's strerror; Go's is the same words without the capital. */
function capitalized(text: string | null): string | null {
  return text === null || text === '' ? null : text.charAt(0).toUpperCase() + text.slice(1);
}

/** The CallResult strace would have produced for this return. */
export function callResult(ret: SyscallReturn): CallResult {
  if (ret.errno === null) return { status: 'ok', value: ret.value, raw: String(ret.value) };
  const errno = errnoName(ret.errno);
  const message = capitalized(ret.message);
  const named = errno.startsWith('errno ') ? `(${errno})` : errno;
  return { status: 'error', errno, message, raw: `-1 ${named}${message === null ? '' : ` (${message})`}` };
}

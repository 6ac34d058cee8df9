/** Signal numbers in debug lines (`Signal 9, PID: ...`) as the names strace prints. Linux x86_64. */
const NAMES = (
  'SIGHUP SIGINT SIGQUIT SIGILL SIGTRAP SIGABRT SIGBUS SIGFPE SIGKILL SIGUSR1 SIGSEGV SIGUSR2 SIGPIPE SIGALRM ' +
  'SIGTERM SIGSTKFLT SIGCHLD SIGCONT SIGSTOP SIGTSTP SIGTTIN SIGTTOU SIGURG SIGXCPU SIGXFSZ SIGVTALRM SIGPROF ' +
  'SIGWINCH SIGIO SIGPWR SIGSYS'
).split(' ');

export function signalName(signo: number): string {
  if (signo >= 1 && signo <= NAMES.length) return NAMES[signo - 1]!;
  if (signo >= 32 && signo <= 64) return `SIGRT_${signo - 32}`;
  return String(signo);
}

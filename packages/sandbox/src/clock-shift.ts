/**
 * The time view's clock: payloads that wait (long timers, sleeps in detached children) or act only some
 * days after the install. libfaketime (Debian's, in the image as /opt/airlock/lib/libclock.so.1) is loaded
 * into every process of the container through /etc/ld.so.preload and reads its setting from
 * /etc/faketimerc: nothing in the environment (runner/lib/clock-env.c removes the one variable libfaketime
 * sets), NODE_OPTIONS or execArgv. It moves the wall clock and speeds
 * up clocks, sleeps and poll/epoll timeouts, so Node's timers and Python's sleeps fire sooner too (measured
 * in the README). The runner times phases on that clock divided by the speed-up (never /proc/uptime, which
 * the scorer reads as a sandbox probe).
 *
 * The clock moves between phases: the install runs at +3 days, the import at +30 days, so a stamp the
 * install writes looks 27 days old at import, and a date check up to 30 days ahead passes.
 */
import type Docker from 'dockerode';
import type { PhaseName } from '@airlock/core';
import { execInContainer } from './exec.js';
import { buildTar } from './tar-builder.js';

export interface ClockShift {
  /** How many times faster clocks, sleeps and timeouts run (libfaketime's `xN`). */
  speedup: number;
  /** Wall-clock offset per phase, in libfaketime's relative form (`+3d`, `+30d`). */
  offsets: Record<PhaseName, string>;
}

/** +3 days at install, +30 days at import, everything ten times faster (a 200 s wait takes 20 s). */
export const DEFAULT_CLOCK_SHIFT: ClockShift = { speedup: 10, offsets: { install: '+3d', import: '+30d' } };

/** libfaketime, and the library that hides its environment variable (listed first: initialised last). */
const LIBRARIES = ['/opt/airlock/lib/libclockenv.so.1', '/opt/airlock/lib/libclock.so.1'];
const SETTING = '/etc/faketimerc';

/** Files the host adds for the view; left out of the filesystem diff (they are not the package's). */
export const CLOCK_FILES = ['/etc/ld.so.preload', SETTING];

/** libfaketime's setting: `+3d x10`. */
function faketimeSetting(shift: ClockShift, phase: PhaseName): string {
  const offset = shift.offsets[phase];
  if (!/^[+-]\d+[smhdy]?$/.test(offset)) throw new Error(`bad clock offset ${JSON.stringify(offset)} (expected e.g. +3d)`);
  if (!(shift.speedup >= 1 && shift.speedup <= 1000)) throw new Error(`bad clock speed-up ${shift.speedup} (1 to 1000)`);
  return `${offset} x${shift.speedup}`;
}

/** The two files, root-owned and world-readable (the dynamic loader reads them as the process's user). */
export function clockTar(shift: ClockShift, phase: PhaseName): Buffer {
  return buildTar(
    [
      { path: 'etc/ld.so.preload', type: 'File', mode: 0o644, body: Buffer.from(`${LIBRARIES.join('\n')}\n`) },
      { path: SETTING.slice(1), type: 'File', mode: 0o644, body: Buffer.from(`${faketimeSetting(shift, phase)}\n`) },
    ],
    { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: new Date() },
  );
}

/** Moves the clock for the next phase: a root exec between phases (outside every phase's record). */
export async function setPhaseClock(container: Docker.Container, shift: ClockShift, phase: PhaseName, onDeadline: () => Promise<void>) {
  const outcome = await execInContainer(container, {
    cmd: ['/bin/sh', '-c', `printf '%s\\n' "$1" > ${SETTING}`, 'sh', faketimeSetting(shift, phase)],
    user: '0:0',
    env: [],
    workingDir: '/',
    deadlineMs: 15_000,
    onDeadline,
    captureBytes: 4096,
  });
  if (outcome.exitCode !== 0) throw new Error(`could not set the ${phase} clock: ${outcome.stderr.text.slice(0, 200)}`);
}

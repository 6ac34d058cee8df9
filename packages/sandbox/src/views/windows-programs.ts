/**
 * Programs a payload starts on Windows (or macOS), present on PATH in that platform view as recorders:
 * each logs its argv and the first 64 KiB of its stdin to PROGRAMS_LOG (planted empty, left out of
 * the diff; not under the runner's folder, where a write is tampering) and succeeds, so the payload
 * carries on and its next steps are seen. The syscall record sees each exec as it would a real program's.
 * `cmd /c LINE` and `start` run what they were given, so the programs a launcher starts are seen too;
 * `curl.exe` is curl (its request reaches the fake internet).
 */
export const PROGRAMS_LOG = '/var/tmp/.programs.log';

export const WINDOWS_PROGRAMS = [
  'powershell',
  'powershell.exe',
  'pwsh',
  'pwsh.exe',
  'cmd',
  'cmd.exe',
  'rundll32',
  'rundll32.exe',
  'regsvr32',
  'regsvr32.exe',
  'mshta',
  'mshta.exe',
  'wscript',
  'wscript.exe',
  'cscript',
  'cscript.exe',
  'certutil',
  'certutil.exe',
  'bitsadmin',
  'bitsadmin.exe',
  'schtasks',
  'schtasks.exe',
  'reg',
  'reg.exe',
  'curl.exe',
  'start',
  'tasklist',
  'tasklist.exe',
  'taskkill',
  'taskkill.exe',
  'wmic',
  'wmic.exe',
  'attrib',
  'attrib.exe',
  'msiexec',
  'msiexec.exe',
  'explorer.exe',
  'systeminfo',
  'whoami.exe',
  'netsh',
  'sc.exe',
  'vssadmin',
] as const;

export const MACOS_PROGRAMS = [
  'osascript',
  'security',
  'launchctl',
  'open',
  'sw_vers',
  'ditto',
  'codesign',
  'xattr',
  'defaults',
  'system_profiler',
  'dscl',
  'ioreg',
  'spctl',
  'csrutil',
  'pbcopy',
  'pbpaste',
  'scutil',
] as const;

export const RECORDER = `#!/bin/sh
prog=\${0##*/}
{ printf '%s' "$prog"; for a in "$@"; do printf ' %s' "$a"; done; printf '\\n'; } >> ${PROGRAMS_LOG} 2>/dev/null
if [ ! -t 0 ]; then timeout 2 head -c 65536 >> ${PROGRAMS_LOG} 2>/dev/null; printf '\\n' >> ${PROGRAMS_LOG} 2>/dev/null; fi
case "$prog" in
  curl.exe) exec curl "$@" ;;
  cmd|cmd.exe)
    while [ $# -gt 0 ]; do case "$1" in /[cCkK]) shift; exec sh -c "$*" ;; *) shift ;; esac; done ;;
  start)
    while [ $# -gt 0 ]; do case "$1" in /*|'') shift ;; *) exec sh -c "$*" ;; esac; done ;;
esac
exit 0
`;

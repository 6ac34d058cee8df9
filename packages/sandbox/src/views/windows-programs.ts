/**
 * Programs a payload starts on Windows (or macOS), present on PATH in that platform view as recorders:
 * each logs its argv and the first 64 KiB of its stdin to PROGRAMS_LOG (planted empty, left out of
 * the diff; not under the runner's folder, where a write is tampering) and succeeds, so the payload
 * carries on and its next steps are seen. The syscall record sees each exec as it would a real program's.
 * `cmd /c LINE` and `start` run what they were given, so the programs a launcher starts are seen too;
 * `curl.exe` is curl (its request reaches the fake internet); `wmic ... get <fields>` answers a header and one
 * row (a hardware id drawn from the run's hostname), which payloads parse before they go on.
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
  wmic|wmic.exe)
    # wmic <class> get <fields>: a header line and one row, as Windows prints them; ids drawn from this machine's name.
    fields=''; after=''
    for a in "$@"; do [ -n "$after" ] && fields="$fields $(printf '%s' "$a" | tr ',' ' ')"; [ "$a" = get ] && after=1; done
    [ -z "$fields" ] && exit 0
    id=$(hostname | md5sum | tr a-f A-F)
    for f in $fields; do printf '%-38s' "$f"; done; printf '\\r\\n'
    for f in $fields; do
      case "$f" in
        [Uu][Uu][Ii][Dd]) v="$(echo "$id" | cut -c1-8)-$(echo "$id" | cut -c9-12)-$(echo "$id" | cut -c13-16)-$(echo "$id" | cut -c17-20)-$(echo "$id" | cut -c21-32)" ;;
        [Ss]erial[Nn]umber|[Pp]rocessor[Ii]d) v=$(printf '%s' "$id" | cut -c1-16) ;;
        [Nn]ame|[Cc]aption) v='Windows 10 Pro' ;;
        *) v='To Be Filled By O.E.M.' ;;
      esac
      printf '%-38s' "$v"
    done
    printf '\\r\\n' ;;
esac
exit 0
`;

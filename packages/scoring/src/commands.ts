/** Reading programs and command lines: the vocabulary the execution rules share. */

export function basename(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? path : path.slice(cut + 1);
}

/** The program's name with interpreter versions folded (`python3.11` -> `python3`), so signatures compare across images. */
export function programName(path: string): string {
  return basename(path).replace(/^(python[23]?|perl|ruby|node)[\d.]*$/, '$1');
}

export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'busybox']);
export const INTERPRETERS: ReadonlySet<string> = new Set(['python', 'python2', 'python3', 'perl', 'ruby', 'php', 'node', 'bun', 'deno']);
const NETWORK_TOOLS: ReadonlySet<string> = new Set([
  'curl',
  'wget',
  'nc',
  'ncat',
  'netcat',
  'socat',
  'telnet',
  'ssh',
  'scp',
  'ftp',
  'tftp',
]);
export const DOWNLOADERS: ReadonlySet<string> = new Set(['curl', 'wget']);

/** Programs a lifecycle script has no everyday reason to start (node is left out: most scripts are `node x.js`). */
export function isShellLike(program: string): boolean {
  return SHELLS.has(program) || NETWORK_TOOLS.has(program) || (INTERPRETERS.has(program) && program !== 'node');
}

/** The argv as one line, for pattern matching and for evidence (bounded). */
export function commandLine(argv: readonly string[]): string {
  return argv.join(' ');
}

export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** npm's own CLI (or yarn/pnpm) as a process: its reads of ~/.npmrc are the tool reading its config. */
export function isPackageManager(argv: readonly string[], path: string): boolean {
  const name = programName(path);
  if (['npm', 'npx', 'yarn', 'pnpm', 'pip', 'pip3'].includes(name)) return true;
  return argv.some((arg) => /(?:^|\/)(?:npm-cli|npx-cli|yarn|pnpm)\.c?js$|(?:^|\/)(?:npm|npx)$/.test(arg));
}

/**
 * Build tools whose children (make's `sh -c`, gyp's python) are compiler work, not a script's own shell.
 * node-gyp-build(-test) and its optional-packages fork pick a prebuilt addon or fall back to node-gyp;
 * npm runs node-gyp through its `node-gyp-bin/node-gyp` shell shim. Autotools (`autoreconf`,
 * `./configure`) are what bin-build runs to compile a binary whose prebuilt download failed.
 */
const BUILD_TOOL =
  /(?:^|\/)(?:node-gyp(?:\.js)?|node-gyp-build(?:-optional-packages)?(?:-test)?(?:\.js)?|node-pre-gyp|prebuild-install|prebuild|cmake-js|make|gmake|cmake|ninja|gyp_main\.py|gyp|autoreconf|autoconf|automake|aclocal|libtoolize|configure|(?:[\w.]+-)*(?:gcc|g\+\+|cc|c\+\+|clang(?:\+\+)?)(?:-\d+)?)$/;

export function isBuildTool(argv: readonly string[]): boolean {
  return argv.slice(0, 3).some((arg) => BUILD_TOOL.test(arg));
}

/**
 * A shell that only runs build tools: `sh <...>/node-gyp-bin/node-gyp rebuild` (npm's shim), or
 * `sh -c "node-gyp-build-test"` / `sh -c "prebuild-install || node-gyp rebuild"` where every command
 * of the script is a build tool. Any other command in the script (`node-gyp rebuild; curl ...`), a
 * substitution, a redirection to a file outside the build, or a pipe makes it an ordinary shell.
 */
export function isBuildToolShell(argv: readonly string[], program: string): boolean {
  if (!SHELLS.has(program)) return false;
  const c = argv.indexOf('-c');
  if (c < 0) {
    const script = argv.slice(1).find((a) => !a.startsWith('-'));
    return script !== undefined && BUILD_TOOL.test(script);
  }
  const script = argv[c + 1] ?? '';
  if (/[`$<>|]|\(|\)/.test(script.replace(/\|\|/g, ''))) return false;
  const commands = script
    .split(/&&|\|\||;|&/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (commands.length === 0) return false;
  return commands.every((command) => {
    const words = command.split(/\s+/).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
    return words.length > 0 && BUILD_TOOL.test(words[0]!);
  });
}

/** `curl ... | sh`, `sh -c "$(curl ...)"`, `bash <(wget ...)`, `eval $(curl ...)`: remote code run without touching disk. */
const PIPE_TO_SHELL = [
  /\b(?:curl|wget)\b[^|;&]*\|\s*(?:sudo\s+)?(?:(?:ba|da|z|k)?sh|python[\d.]*|perl|ruby|node|bun)\b/,
  /(?:\b(?:(?:ba|da|z|k)?sh\s+-c|eval|source|python[\d.]*\s+-c|perl\s+-e|node\s+-e)|(?:^|[;&|]\s*)\.)\s+["']?\s*(?:\$\(|`)\s*(?:curl|wget)\b/,
  /\b(?:(?:ba|da|z|k)?sh|source|python[\d.]*|perl|node)\s+<\(\s*(?:curl|wget)\b/,
];

export function isPipeToShell(command: string): boolean {
  return PIPE_TO_SHELL.some((pattern) => pattern.test(command));
}

/** Interactive shells wired to a socket: `bash -i >& /dev/tcp/...`, `nc -e /bin/sh`, `socat exec:`. */
const REVERSE_SHELL = [
  /\/dev\/(?:tcp|udp)\//,
  /\b(?:ba|da|z|k)?sh\s+-i\b/,
  /\b(?:nc|ncat|netcat)\b.*\s-[ec]\s/,
  /\bsocat\b.*\bexec:/i,
  /\bmkfifo\b.*\b(?:nc|ncat|netcat)\b/,
  /\bpty\.spawn\(/,
  // PowerShell's classic one-liner; seen on Linux as an attempt even though no powershell exists.
  /Net\.Sockets\.TCPClient\s*\(/i,
];

/** Windows-only launchers: trying one on Linux is a Windows payload that could not be seen running. */
export const WINDOWS_TOOLS: ReadonlySet<string> = new Set([
  'powershell',
  'powershell.exe',
  'pwsh',
  'cmd',
  'cmd.exe',
  'wscript',
  'wscript.exe',
  'cscript',
  'cscript.exe',
  'mshta',
  'mshta.exe',
  'rundll32',
  'rundll32.exe',
  'start',
]);

/** Windows programs a payload starts (the launchers above, and the system binaries it lives off). */
export const WINDOWS_PROGRAMS: ReadonlySet<string> = new Set([
  ...WINDOWS_TOOLS,
  ...['pwsh.exe', 'start.exe', 'regsvr32', 'certutil', 'bitsadmin', 'schtasks', 'reg', 'wmic', 'msiexec'].flatMap((n) =>
    n.endsWith('.exe') ? [n] : [n, `${n}.exe`],
  ),
]);

/**
 * What only a payload does with a Windows program: a hidden or encoded PowerShell, a download cradle, a
 * DLL or HTA run through a system binary, certutil or bitsadmin fetching, a scheduled task or a Run key.
 * Installers that legitimately call Windows programs (node-gyp asking PowerShell where Visual Studio is,
 * `cmd /c mklink`) do none of these.
 */
const WINDOWS_PAYLOAD = [
  /\b(?:powershell|pwsh)(?:\.exe)?\b.*\s[-/](?:e|ec|enc|encodedcommand)\s/i,
  /\b(?:powershell|pwsh)(?:\.exe)?\b.*\s[-/]w(?:indowstyle)?\s+hidden\b/i,
  /\b(?:iex|invoke-expression|downloadstring|downloadfile|invoke-webrequest|iwr|invoke-restmethod|irm|start-bitstransfer|net\.webclient|frombase64string)\b/i,
  /\b(?:rundll32|regsvr32)(?:\.exe)?\s+\S*\.(?:dll|ocx|cpl|dat|tmp|png|jpg)\b/i,
  /\bregsvr32(?:\.exe)?\b.*\s[-/]i:\s*https?:/i,
  /\bmshta(?:\.exe)?\s+(?:https?:|vbscript:|javascript:|\S+\.hta\b)/i,
  /\bcertutil(?:\.exe)?\b.*\s[-/](?:urlcache|decode|decodehex)\b/i,
  /\bbitsadmin(?:\.exe)?\b.*\s\/transfer\b/i,
  /\bschtasks(?:\.exe)?\b.*\s\/create\b/i,
  /\breg(?:\.exe)?\s+add\s+\S*\\(?:run|runonce)\b/i,
  /\b(?:wscript|cscript)(?:\.exe)?\s+(?:\/\/\S+\s+)*\S+\.(?:js|jse|vbs|vbe|wsf)\b/i,
  /\bstart-process\b.*\b(?:pythonw|\S+\.(?:exe|pyw|bat|cmd|vbs|ps1))\b/i,
];

/** True when a command line is a Windows program started the way only a payload starts it. */
export function isWindowsPayloadLaunch(command: string): boolean {
  return WINDOWS_PAYLOAD.some((pattern) => pattern.test(command));
}

export function isReverseShell(command: string): boolean {
  return REVERSE_SHELL.some((pattern) => pattern.test(command));
}

/**
 * Which other operating systems a package's code asks about: `process.platform`, `os.platform()`,
 * `os.type()`, `sys.platform`, `os.name`, `platform.system()`, and names of Windows or macOS places
 * (APPDATA, `C:\\`, `~/Library/`). Code that branches on the platform gets a run under a faked Windows
 * or macOS (the planner's platform views): what it does there was never seen on Linux. Pure.
 */
export interface PlatformReferences {
  /** Code reads the platform at all (a branch somewhere). */
  reads: string[];
  /** Windows markers: 'win32', 'nt', 'Windows', APPDATA, LOCALAPPDATA, USERPROFILE, powershell, `C:\`. */
  windows: string[];
  /** macOS markers: 'darwin', 'Darwin', `Library/Application Support`, Keychain, osascript. */
  macos: string[];
}

const READS: [string, RegExp][] = [
  ['process.platform', /\bprocess\.platform\b/],
  ['os.platform()', /\bos\.platform\s*\(/],
  ['os.type()', /\bos\.type\s*\(/],
  ['sys.platform', /\bsys\.platform\b/],
  ['os.name', /\bos\.name\b/],
  ['platform.system()', /\bplatform\.(?:system|platform|uname)\s*\(/],
];
const WINDOWS: [string, RegExp][] = [
  ['win32', /['"`]win(?:32|dows)['"`]/i],
  ["'nt'", /['"]nt['"]/],
  ['APPDATA', /\b(?:LOCAL)?APPDATA\b/],
  ['USERPROFILE', /\bUSERPROFILE\b/],
  ['powershell', /\bpowershell\b/i],
  ['C:\\', /['"`]C:(?:\\\\|\/)/i],
];
const MACOS: [string, RegExp][] = [
  ['darwin', /['"`]darwin['"`]/i],
  ['Library/', /Library\/(?:Application Support|Keychains|LaunchAgents)/],
  ['osascript', /\bosascript\b/],
];

/** Code files only: what runs, not documentation. */
const CODE = /\.(?:[cm]?js|ts|py|pyw|sh|json)$/i;

export function platformReferences(files: readonly { path: string; text?: string }[]): PlatformReferences {
  const out = { reads: new Set<string>(), windows: new Set<string>(), macos: new Set<string>() };
  for (const file of files) {
    if (!file.text || !CODE.test(file.path)) continue;
    for (const [name, re] of READS) if (re.test(file.text)) out.reads.add(name);
    for (const [name, re] of WINDOWS) if (re.test(file.text)) out.windows.add(name);
    for (const [name, re] of MACOS) if (re.test(file.text)) out.macos.add(name);
  }
  return { reads: [...out.reads].sort(), windows: [...out.windows].sort(), macos: [...out.macos].sort() };
}

/** npm lifecycle scripts that run at install (preinstall, install, postinstall) or a binding.gyp (node-gyp runs). */
export function hasInstallScripts(files: readonly { path: string; text?: string }[]): boolean {
  const manifest = files.find((f) => /^[^/]+\/package\.json$/.test(f.path))?.text;
  if (files.some((f) => /^[^/]+\/binding\.gyp$/.test(f.path))) return true;
  if (!manifest) return false;
  try {
    const scripts = (JSON.parse(manifest) as { scripts?: Record<string, unknown> }).scripts ?? {};
    return ['preinstall', 'install', 'postinstall'].some((k) => typeof scripts[k] === 'string');
  } catch {
    return false;
  }
}

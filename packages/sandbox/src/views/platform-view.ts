/**
 * A platform view (`windows`, `macos`): what the host adds to the sandbox so that package code believes
 * it runs on that OS. Files are planted before the container starts (and left out of the filesystem
 * diff); the environment is the phase's. The fakes themselves are in node-platform.ts and
 * python-platform.ts; the programs a payload starts in windows-programs.ts.
 */
import { normalizePypiName } from '@airlock/static-signals';
import { buildTar, type TarEntry } from '../tar-builder.js';
import { SANDBOX_USER } from '../hardening.js';
import type { MachineIdentity } from '../machine-identity.js';
import { NODE_BOOT, NODE_WRAPPER } from './node-platform.js';
import { PYTHON_SITECUSTOMIZE } from './python-platform.js';
import { PYTHON_WINDOWS_MODULES } from './python-windows-modules.js';
import { MACOS_PROGRAMS, PROGRAMS_LOG, RECORDER, WINDOWS_PROGRAMS } from './windows-programs.js';
import { windowsDrive } from './windows-profile.js';

export type FakePlatform = 'win32' | 'darwin';

/** Read by the Node and Python fakes; root-owned and read-only. */
const VIEW_CONF = '/opt/airlock/view.conf';

/** The environment a Windows or macOS shell would give the phase (on top of the developer shell's). */
export function platformEnv(platform: FakePlatform, identity: MachineIdentity): string[] {
  const user = identity.user;
  // USER and LOGNAME stay the Linux account's (/etc/passwd says so); os.userInfo() answers the fake's.
  if (platform === 'darwin') return ['__CF_USER_TEXT_ENCODING=0x1F5:0x0:0x0', 'SHELL=/bin/zsh'];
  const profile = `C:\\Users\\${user}`;
  const computer = identity.hostname.toUpperCase();
  // No TEMP/TMP: Node's os.tmpdir() and Python's tempfile read them, and npm and pip need a real folder.
  return [
    'OS=Windows_NT',
    `USERNAME=${user}`,
    `USERPROFILE=${profile}`,
    `APPDATA=${profile}\\AppData\\Roaming`,
    `LOCALAPPDATA=${profile}\\AppData\\Local`,
    `COMPUTERNAME=${computer}`,
    `USERDOMAIN=${computer}`,
    'HOMEDRIVE=C:',
    `HOMEPATH=\\Users\\${user}`,
    'SystemRoot=C:\\Windows',
    'windir=C:\\Windows',
    'SystemDrive=C:',
    'ProgramData=C:\\ProgramData',
    'ProgramFiles=C:\\Program Files',
    'ProgramFiles(x86)=C:\\Program Files (x86)',
    'PUBLIC=C:\\Users\\Public',
    'ComSpec=C:\\Windows\\system32\\cmd.exe',
    'PATHEXT=.COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC;.PS1',
    'PROCESSOR_ARCHITECTURE=AMD64',
    'NUMBER_OF_PROCESSORS=8',
  ];
}

interface Planted {
  /** Extract at `/` as root. */
  root: Buffer;
  /** Extract at `/` as the analysis user (null: nothing). */
  user: Buffer | null;
  /** Every path added or replaced, for the filesystem diff to leave out. */
  paths: Set<string>;
}

const file = (path: string, mode: number, body: string): TarEntry => ({ path, type: 'File', mode, body: Buffer.from(body) });
/** Planted files look as old as the rest of the image, not made at the run's start. */
const plantedAt = () => new Date(Date.now() - 86_400_000 * 40);

/**
 * `dependencies`: the distributions installed as the package's dependencies (its dependency wheels), which the
 * Python fake answers with the real platform; anything else installed, whatever name it took, is the package.
 */
const viewConf = (platform: FakePlatform | 'linux', identity: MachineIdentity, login: boolean, dependencies: readonly string[] = []) =>
  `platform=${platform}\nuser=${identity.user}\nhostname=${identity.hostname}\n${login ? 'login=yes\n' : ''}` +
  (dependencies.length > 0 ? `dependencies=${dependencies.join(',')}\n` : '');

/** A wheel file's distribution name, canonical (PEP 503): `Foo_Bar-1.0-py3-none-any.whl` is `foo-bar`. */
export function wheelDistribution(fileName: string): string {
  return normalizePypiName(fileName.split('-')[0] ?? '');
}

/**
 * What a view with a developer's shell plants when it fakes no platform: only the login answer of the
 * Python fake (python-platform.ts `_login`). A CI job's view plants nothing.
 */
export function loginFiles(identity: MachineIdentity): Planted {
  const entries = [
    file(VIEW_CONF, 0o444, viewConf('linux', identity, true)),
    file('/etc/python3.11/sitecustomize.py', 0o644, PYTHON_SITECUSTOMIZE),
  ];
  return { root: buildTar(entries, { uid: 0, gid: 0, mtime: plantedAt() }), user: null, paths: new Set(entries.map((e) => e.path)) };
}

/**
 * The files of a platform view, as two tars (root's and the analysis user's) and the list of their paths.
 * `login`: the view has a developer's shell (os.getlogin() answers). `dependencies`: the distributions
 * installed as the package's dependencies (Python: they get the real platform; see wheelDistribution).
 */
export function platformFiles(
  platform: FakePlatform,
  identity: MachineIdentity,
  login = true,
  dependencies: readonly string[] = [],
): Planted {
  const conf = viewConf(platform, identity, login, dependencies);
  const programs = platform === 'win32' ? WINDOWS_PROGRAMS : MACOS_PROGRAMS;
  const rootEntries: TarEntry[] = [
    file(VIEW_CONF, 0o444, conf),
    file('/opt/airlock/lib/node-platform.cjs', 0o444, NODE_BOOT),
    file('/etc/python3.11/sitecustomize.py', 0o644, PYTHON_SITECUSTOMIZE),
    ...programs.map((name) => file(`/usr/local/bin/${name}`, 0o755, RECORDER)),
    ...(platform === 'win32'
      ? PYTHON_WINDOWS_MODULES.map((m): TarEntry =>
          m.body === null ? { path: m.path, type: 'Directory', mode: 0o755 } : file(m.path, 0o644, m.body),
        )
      : []),
  ];
  const userEntries: TarEntry[] = [file(`${SANDBOX_USER.home}/.local/bin/node`, 0o755, NODE_WRAPPER), file(PROGRAMS_LOG, 0o644, '')];
  // Windows: drive C: with the view user's profile (windows-profile.ts), where the Python fake maps `C:\...`.
  if (platform === 'win32') {
    const drive = windowsDrive(identity.user);
    rootEntries.unshift(...drive.root);
    userEntries.unshift(...drive.user);
  }
  // macOS: the home the fake names exists, so what a payload drops there lands where the diff sees it.
  if (platform === 'darwin') {
    rootEntries.unshift({ path: '/Users', type: 'Directory', mode: 0o755 });
    userEntries.unshift({ path: `/Users/${identity.user}`, type: 'Directory', mode: 0o755 });
  }
  const mtime = plantedAt();
  const owner = { uid: SANDBOX_USER.uid, gid: SANDBOX_USER.uid, uname: SANDBOX_USER.name, gname: SANDBOX_USER.name, mtime };
  return {
    root: buildTar(rootEntries, { uid: 0, gid: 0, mtime }),
    user: buildTar(userEntries, owner),
    paths: new Set([...rootEntries, ...userEntries].map((e) => e.path)),
  };
}

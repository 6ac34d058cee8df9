/**
 * The windows view's drive C: as folders on Linux (`/mnt/c`, as WSL mounts it): package code shown Windows
 * builds paths such as `%APPDATA%\Microsoft\...\x.pyw` or `C:\Users\<user>\AppData\Local\Programs\Python`,
 * and the Python fake (python-platform.ts) maps each `X:\...` name it opens, lists, makes or starts onto
 * `/mnt/x/...`. What a payload drops there shows in the trace and the filesystem diff under `/mnt/c`; what it
 * looks for is there: the user's profile folders, a per-user Python install, the Startup folder, and the
 * browser and Discord stores, which are links to this machine's own (where the run's honeytokens are).
 */
import { SANDBOX_USER } from '../hardening.js';
import type { TarEntry } from '../tar-builder.js';

/** Where drive C: is (the scorer's windows-drop.ts and the report's sensitive paths name it too). */
const WINDOWS_DRIVE = '/mnt/c';

/** Windows stores whose Linux counterpart holds the run's planted files: path under the profile -> target. */
const LINKED_STORES: readonly [string, string][] = [
  ['AppData/Local/Google/Chrome/User Data', `${SANDBOX_USER.home}/.config/google-chrome`],
  ['AppData/Roaming/discord', `${SANDBOX_USER.home}/.config/discord`],
  // Where npm, ssh and the AWS CLI keep them on Windows too (the Node fake's os.homedir() is the profile).
  ['.npmrc', `${SANDBOX_USER.home}/.npmrc`],
  ['.ssh', `${SANDBOX_USER.home}/.ssh`],
  ['.aws', `${SANDBOX_USER.home}/.aws`],
];

/** Folders of a used Windows profile that payloads write to or look for. */
const PROFILE_FOLDERS = [
  'AppData',
  'AppData/Local',
  'AppData/Local/Temp',
  'AppData/Local/Google',
  'AppData/Local/Google/Chrome',
  'AppData/Local/Programs',
  'AppData/Local/Programs/Python',
  'AppData/Local/Programs/Python/Python311',
  'AppData/Roaming',
  'AppData/Roaming/Microsoft',
  'AppData/Roaming/Microsoft/Windows',
  'AppData/Roaming/Microsoft/Windows/Start Menu',
  'AppData/Roaming/Microsoft/Windows/Start Menu/Programs',
  'AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup',
  'Desktop',
  'Documents',
  'Downloads',
];

const dir = (path: string): TarEntry => ({ path, type: 'Directory', mode: 0o755 });

/** Drive C: for `user` (the view's account name): root's part (the system folders) and the user's (profile, ProgramData). */
export function windowsDrive(user: string): { root: TarEntry[]; user: TarEntry[] } {
  const profile = `${WINDOWS_DRIVE}/Users/${user}`;
  return {
    root: [
      dir('/mnt'),
      dir(WINDOWS_DRIVE),
      dir(`${WINDOWS_DRIVE}/Users`),
      dir(`${WINDOWS_DRIVE}/Windows`),
      dir(`${WINDOWS_DRIVE}/Windows/System32`),
      dir(`${WINDOWS_DRIVE}/Program Files`),
      dir(`${WINDOWS_DRIVE}/Program Files (x86)`),
    ],
    user: [
      dir(profile),
      ...PROFILE_FOLDERS.map((f) => dir(`${profile}/${f}`)),
      ...LINKED_STORES.map(([at, target]): TarEntry => ({ path: `${profile}/${at}`, type: 'SymbolicLink', mode: 0o777, linkpath: target })),
      // Any user may write there on Windows; droppers use it.
      dir(`${WINDOWS_DRIVE}/ProgramData`),
    ],
  };
}

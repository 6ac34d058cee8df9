/**
 * The paths whose access the report calls out: credentials, keys, wallets, browser profiles and
 * system secrets. Data, in one place, so the list can grow without touching the code that uses it.
 *
 * Globs: `~` is any user's home (`/home/<user>` or `/root`), `*` matches within one path segment,
 * a trailing `/**` matches the directory itself and everything below it, a leading `**\/` any folder.
 */
export interface SensitivePathRule {
  /** Stable id carried by each reported access (`rule`). */
  id: string;
  /** What a reader of these files gets. */
  description: string;
  globs: readonly string[];
}

/** A user's profile on the windows view's drive C: (the sandbox's windows-profile.ts): the same stores, by Windows names. */
const WINDOWS_HOME = '/mnt/c/Users/*';

export const SENSITIVE_PATHS: readonly SensitivePathRule[] = [
  { id: 'ssh', description: 'SSH private keys, config and known hosts', globs: ['~/.ssh/**', WINDOWS_HOME + '/.ssh/**'] },
  { id: 'npmrc', description: 'npm registry tokens', globs: ['~/.npmrc', WINDOWS_HOME + '/.npmrc'] },
  { id: 'aws', description: 'AWS credentials and config', globs: ['~/.aws/**', WINDOWS_HOME + '/.aws/**'] },
  { id: 'github-cli', description: 'GitHub CLI tokens', globs: ['~/.config/gh/**'] },
  { id: 'dotenv', description: '.env files with application secrets', globs: ['**/.env', '**/.env.*'] },
  { id: 'git', description: 'Git identity and stored credentials', globs: ['~/.gitconfig', '~/.git-credentials'] },
  { id: 'shell-history', description: 'Shell history (typed secrets, hosts)', globs: ['~/.bash_history', '~/.zsh_history'] },
  {
    id: 'browser-profile',
    description: 'Browser profiles (and the Discord app, an Electron browser store): cookies, saved passwords, sessions',
    globs: [
      '~/.config/google-chrome/**',
      '~/.config/chromium/**',
      '~/.config/BraveSoftware/**',
      '~/.mozilla/**',
      '~/.config/discord/**',
      WINDOWS_HOME + '/AppData/Local/Google/Chrome/**',
      WINDOWS_HOME + '/AppData/Roaming/discord/**',
    ],
  },
  {
    id: 'crypto-wallet',
    description: 'Cryptocurrency wallets (Bitcoin, Ethereum, Exodus, Electrum)',
    globs: ['~/.bitcoin/**', '~/.ethereum/**', '~/.config/Exodus/**', '~/.electrum/**', '~/.config/Electrum/**'],
  },
  { id: 'system-accounts', description: 'Local accounts and password hashes', globs: ['/etc/shadow', '/etc/gshadow', '/etc/passwd'] },
  {
    id: 'process-environ',
    description: 'Environment of a process (tokens passed as variables)',
    globs: ['/proc/*/environ', '/proc/*/task/*/environ'],
  },
  { id: 'docker-socket', description: 'The Docker socket (root on the host)', globs: ['/var/run/docker.sock', '/run/docker.sock'] },
  {
    // Not secrets: what sandbox-aware malware looks at before it decides to act (scoring: sandbox-evasion).
    // Not /proc/self/cgroup: every Node process reads it at start-up (libuv's memory limit).
    id: 'container-marker',
    description: 'Container, VM and fresh-machine tells (sandbox checks)',
    globs: [
      '/.dockerenv',
      '/run/.containerenv',
      '/proc/1/cgroup',
      '/proc/1/sched',
      '/proc/uptime',
      '/sys/class/dmi/id/**',
      '/proc/scsi/scsi',
    ],
  },
];

/** A glob of the list above as a regular expression source (unanchored). */
export function globToRegExpSource(glob: string): string {
  let rest = glob;
  let out = '';
  if (rest.startsWith('~/')) {
    out += '(?:/home/[^/]+|/root)/';
    rest = rest.slice(2);
  } else if (rest.startsWith('**/')) {
    out += '(?:.*/)?';
    rest = rest.slice(3);
  }
  let tail = '';
  if (rest.endsWith('/**')) {
    tail = '(?:/.*)?';
    rest = rest.slice(0, -3);
  }
  out += rest
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return out + tail;
}

const COMPILED = SENSITIVE_PATHS.map((rule) => ({ rule, re: new RegExp(`^(?:${rule.globs.map(globToRegExpSource).join('|')})$`) }));

/** The first rule whose globs match an absolute path, or null. */
export function matchSensitivePath(path: string): SensitivePathRule | null {
  if (!path.startsWith('/')) return null;
  for (const { rule, re } of COMPILED) if (re.test(path)) return rule;
  return null;
}

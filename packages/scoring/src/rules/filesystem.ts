/** Rules over files written: persistence hooks and mass deletion in the user's home. */
import { homeRelativePath, isPersistencePlace, type FileWrite, type PersistenceFile } from '@airlock/core';
import { clip, commandLine, programName } from '../commands.js';
import { hit, type ScoringContext } from '../context.js';
import type { EvidenceRef, RuleHit } from '../types.js';
import { processRef, writeRef } from './evidence.js';

/** The path with any home directory as `<HOME>`, whether or not the report normalised it. */
export function homeRelative(write: { path: string; normalizedPath: string }): string {
  if (write.normalizedPath.startsWith('<HOME>')) return write.normalizedPath;
  return homeRelativePath(write.path);
}
const DELETIONS = new Set(['unlink', 'rmdir', 'chmod', 'chown', 'mkdir']);

/**
 * What an implant's hook carries and a hook installer's launcher does not: a download or connection, a
 * decoder, Windows tooling, or a script parked in a temp folder. Comments are left out (installers cite URLs).
 */
const IMPLANT_MARKERS =
  /\b(?:curl|wget|nc|ncat|socat|telnet|powershell|certutil|openssl)\b|:\/\/|\/dev\/(?:tcp|udp)\/|base64|\beval\b|\batob\b|fromCharCode|\\x[0-9a-f]{2}|(?:^|[\s'"=])\/(?:tmp|var\/tmp|dev\/shm)\//i;
/** How a launcher hands over to the project's own tools: its dependencies, a package manager, or a sibling script. */
const HANDS_OVER = /node_modules\/|require\.resolve\(|\b(?:npx|yarn|pnpm|bunx?)\b|\$\(dirname\s+"?\$0"?\)/;

/**
 * A repository hook that hands over to the project's dependencies and carries nothing an implant needs:
 * what hook installers (pre-commit, husky 4, yorkie, lefthook) write into the project that installs them.
 * A hook whose content was not read back is never one (fail closed).
 */
function isLauncherHook(write: FileWrite, files: readonly PersistenceFile[]): boolean {
  const file = files.find((f) => f.path === write.path);
  if (!file) return false;
  const code = file.head
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
  return HANDS_OVER.test(code) && !IMPLANT_MARKERS.test(code);
}

/**
 * Git runs a hook only under its event's exact name; `git init` and `git clone` copy git's own inert examples
 * as `<event>.sample` into every new repository (a library's `Repo.init(path)` writes a dozen). A rename or
 * link to the real name is written under that name, so it still counts.
 */
const INERT_HOOK = /\/hooks\/[^/]+\.sample$/;

function isPersistenceWrite(write: FileWrite, files: readonly PersistenceFile[]): boolean {
  if (DELETIONS.has(write.operation) || INERT_HOOK.test(write.path)) return false;
  if (isPersistencePlace(homeRelative(write))) return true;
  // Git hooks run on the next commit; the package's own folder may carry a .git from its author.
  if (!write.path.includes('/.git/hooks/') || write.normalizedPath.startsWith('<PKG>')) return false;
  return !isLauncherHook(write, files);
}

/** Proof, not noise: never subtracted by the baseline (a benign corpus must not teach that ~/.bashrc writes are normal). */
export function persistence(context: ScoringContext): RuleHit[] {
  const evidence: EvidenceRef[] = [];
  context.report.fileWrites.forEach((write, index) => {
    if (isPersistenceWrite(write, context.report.persistenceFiles ?? [])) evidence.push(writeRef(write, index));
  });
  context.report.processes.forEach((p, index) => {
    if (!context.isPackageCode(p.attribution)) return;
    const program = programName(p.path);
    const command = commandLine(p.argv);
    const installsCron = program === 'crontab' && !p.argv.slice(1).some((a) => a === '-l');
    const enablesUnit = program === 'systemctl' && /--user\b.*\benable\b|\benable\b.*--user\b/.test(command);
    // Hooks for every repository of the user: `git config --global init.templateDir ~/.git-templates` or
    // `core.hooksPath`. A project-local `git config core.hooksPath .husky` (husky) is left out.
    // Only a set: the key followed by a value. `git config --global core.hooksPath` alone (or with --get) is
    // a read, which hook installers make to check that no global setting overrides the project's hooks.
    const key = p.argv.findIndex((a) => /^(?:init\.templatedir|core\.hookspath)$/i.test(a));
    const globalGitHooks =
      program === 'git' &&
      p.argv.includes('config') &&
      p.argv.some((a) => a === '--global' || a === '--system') &&
      key >= 0 &&
      p.argv[key + 1] !== undefined &&
      !p.argv.some((a) => /^--(?:get|get-all|get-regexp|unset|unset-all|list)$/.test(a));
    if (installsCron || enablesUnit || globalGitHooks) evidence.push(processRef(p, index));
  });
  if (evidence.length === 0) return [];
  const where = [...new Set(evidence.map((e) => e.path))].join(', ');
  return [hit('persistence', `Installed code to run later (shell startup, cron, systemd, git hooks): ${clip(where, 160)}.`, evidence)];
}

/** Truncation is left out: `fs.writeFileSync` opens with O_TRUNC, so an ordinary config write looks the same. */
const DESTRUCTIVE = new Set(['unlink', 'rmdir', 'rename']);
/** Home folders where deleting is housekeeping: the scratch project, npm's cache, caches, temp. */
const HOUSEKEEPING = /^<HOME>\/(?:projects\/app(?:\/|$)|\.npm(?:\/|$)|\.cache(?:\/|$)|\.node-gyp(?:\/|$)|\.local\/share\/pnpm(?:\/|$))/;
export const DESTRUCTIVE_MIN_FILES = 10;

/**
 * Files deleted or renamed away in the home directory outside the project, npm's cache and caches,
 * before any baseline (keyed by the destroyed file's home-relative path): what `destructiveWrites`
 * counts, and all a learned path baseline may subtract from it.
 */
export function destroyedInHome(context: ScoringContext): { path: string; normalizedPath: string | null; ref: EvidenceRef }[] {
  const out: { path: string; normalizedPath: string | null; ref: EvidenceRef }[] = [];
  const paths = new Set<string>();
  const consider = (path: string, normalizedPath: string | null, ref: EvidenceRef) => {
    if (!path.startsWith('<HOME>/') || HOUSEKEEPING.test(path) || paths.has(path)) return;
    paths.add(path);
    out.push({ path, normalizedPath, ref });
  };
  context.report.fileWrites.forEach((write, index) => {
    if (!DESTRUCTIVE.has(write.operation) || write.result !== 'ok') return;
    // A rename destroys the file it moves away from (`report.docx` -> `report.docx.enc`).
    const victim =
      write.operation === 'rename' && write.source !== null
        ? homeRelative({ path: write.source, normalizedPath: write.source })
        : homeRelative(write);
    consider(victim, write.normalizedPath, writeRef(write, index));
  });
  context.report.fsDiff.forEach((change, index) => {
    if (change.kind === 'deleted') consider(homeRelative(change), null, { section: 'fsDiff', index, path: change.path, detail: 'deleted' });
  });
  return out;
}

/** Many files deleted or renamed away in the home directory outside the project (wipers, ransomware). */
export function destructiveWrites(context: ScoringContext): RuleHit[] {
  const destroyed = destroyedInHome(context).filter((d) => d.normalizedPath === null || !context.knownPath(d.normalizedPath));
  if (destroyed.length < DESTRUCTIVE_MIN_FILES) return [];
  return [
    hit(
      'destructive-writes',
      `${destroyed.length} files in the home directory were deleted or renamed away, outside the project.`,
      destroyed.map((d) => d.ref),
    ),
  ];
}

/** Rules about what ran: remote code piped into a shell, downloaded files executed, shells from lifecycle scripts. */
import type { FileWrite, ProcessExec } from '@airlock/core';
import {
  clip,
  commandLine,
  DOWNLOADERS,
  INTERPRETERS,
  isBuildTool,
  isBuildToolShell,
  isPipeToShell,
  isReverseShell,
  isShellLike,
  programName,
  SHELLS,
  WINDOWS_PROGRAMS,
  WINDOWS_TOOLS,
  isWindowsPayloadLaunch,
} from '../commands.js';
import { hit, programAt, type ScoringContext } from '../context.js';
import type { EvidenceRef, RuleHit } from '../types.js';
import { processRef, writeRef } from './evidence.js';

/** Processes whose command line matches, deduplicated by command text (the script's shell and its children repeat it). */
function matchingProcesses(context: ScoringContext, matches: (command: string, p: ProcessExec) => boolean): EvidenceRef[] {
  const seen = new Set<string>();
  const out: EvidenceRef[] = [];
  context.report.processes.forEach((p, index) => {
    const command = commandLine(p.argv);
    if (seen.has(command) || !matches(command, p)) return;
    seen.add(command);
    out.push(processRef(p, index));
  });
  return out;
}

export function pipeToShell(context: ScoringContext): RuleHit[] {
  const evidence = matchingProcesses(context, (command) => isPipeToShell(command));
  if (evidence.length === 0) return [];
  return [hit('pipe-to-shell', `Downloaded code was piped straight into an interpreter: ${evidence[0]!.detail}.`, evidence)];
}

export function reverseShellCommand(context: ScoringContext): RuleHit[] {
  const evidence = matchingProcesses(context, (command) => isReverseShell(command));
  if (evidence.length === 0) return [];
  return [hit('reverse-shell.command', `A shell was wired to the network (reverse shell): ${evidence[0]!.detail}.`, evidence)];
}

/** Writes that leave a file behind (not deletions, directories or permission changes). */
const CONTENT_WRITES = new Set(['write', 'create', 'truncate', 'rename', 'link']);

/** True when `p` runs the file: as the program itself, or as the script an interpreter was given. */
function executes(p: ProcessExec, path: string): boolean {
  if (p.path === path) return true;
  const program = programName(p.path);
  if (!SHELLS.has(program) && !INTERPRETERS.has(program)) return false;
  const script = p.argv.slice(1).find((arg) => !arg.startsWith('-'));
  return script === path;
}

/** The writer fetched it: it is curl/wget, or the same process connected somewhere other than DNS. */
function downloadedBy(context: ScoringContext, write: FileWrite): boolean {
  const program = programAt(context, write.phase, write.pid, write.time);
  if (program !== null && DOWNLOADERS.has(program)) return true;
  return context.report.connections.some(
    (c) =>
      c.phase === write.phase &&
      c.pid === write.pid &&
      c.time <= write.time &&
      c.port !== null &&
      c.port !== 53 &&
      c.family !== 'AF_UNIX' &&
      c.family !== 'unix',
  );
}

type ExecutedWrite = {
  write: FileWrite;
  writeIndex: number;
  runIndex: number;
  rule: 'download-execute' | 'download-execute.own-folder' | 'dropped-file-execute';
};

/** Per scoring context: `downloadExecute` and `networkEgress` both need the list (writes x processes). */
const executedWrites = new WeakMap<ScoringContext, ExecutedWrite[]>();

/**
 * Files written by package code (or curl/wget) and later executed, each with the rule it falls under,
 * before any baseline: what `downloadExecute` weighs, and all a learned path baseline may subtract.
 */
export function executedWriteCandidates(context: ScoringContext): ExecutedWrite[] {
  let found = executedWrites.get(context);
  if (!found) executedWrites.set(context, (found = findExecutedWrites(context)));
  return found;
}

function findExecutedWrites(context: ScoringContext): ExecutedWrite[] {
  const { report } = context;
  const out: ExecutedWrite[] = [];
  report.fileWrites.forEach((write, writeIndex) => {
    if (!CONTENT_WRITES.has(write.operation) || write.result !== 'ok') return;
    const writerProgram = programAt(context, write.phase, write.pid, write.time);
    const attribution = context.attributionOf(write.phase, write.pid, write.time);
    const byPackage = context.isPackageCode(attribution) || (writerProgram !== null && DOWNLOADERS.has(writerProgram));
    if (!byPackage) return;
    const runIndex = report.processes.findIndex((p) => p.time >= write.time && executes(p, write.path));
    if (runIndex < 0) return;
    // A build runs what it makes and unpacks (`./configure`, its `conftest` programs, `missing`): build
    // steps, not a second stage, unless curl or wget fetched the file.
    const run = report.processes[runIndex]!;
    const downloader = writerProgram !== null && DOWNLOADERS.has(writerProgram);
    if (!downloader && (isBuildTool(run.argv) || context.ancestorArgvs(run.phase, run.pid, run.time).some(isBuildTool))) return;
    const downloaded = downloadedBy(context, write);
    // The folder of the package whose script wrote it: the analysed package's, or a dependency's own
    // `node_modules/<name>/` (esbuild's install script puts its platform binary in its bin/ and asks its version).
    const ownFolder = write.normalizedPath.startsWith('<PKG>') || inOwnModuleFolder(write.path, attribution?.packageName);
    const rule = downloaded ? (ownFolder ? 'download-execute.own-folder' : 'download-execute') : ownFolder ? null : 'dropped-file-execute';
    if (rule === null) return;
    // A prebuilt binary fetched into the package's own folder and only asked its version (bin-check behind
    // every bin-wrapper package, esbuild-style installers) is the installer checking that it runs; a payload
    // is run to do its work. (Under the fake internet the "binary" is its answer, so the check fails and the
    // installer falls back, which is traced and scored like everything else.)
    if (rule === 'download-execute.own-folder' && onlyAskedItsVersion(report.processes, write)) return;
    out.push({ write, writeIndex, runIndex, rule });
  });
  return out;
}

/**
 * A file written by package code and later executed. Downloaded and outside the package's own folder:
 * conclusive (a second stage). Downloaded into its own folder: a prebuilt-binary pattern, weighed but
 * not conclusive. Not downloaded but outside its folder: a dropped script, weighed.
 */
export function downloadExecute(context: ScoringContext): RuleHit[] {
  const { report } = context;
  const found = new Map<'download-execute' | 'download-execute.own-folder' | 'dropped-file-execute', EvidenceRef[]>();
  for (const { write, writeIndex, runIndex, rule } of executedWriteCandidates(context)) {
    if (context.knownPath(write.normalizedPath)) continue;
    const list = found.get(rule) ?? [];
    list.push(writeRef(write, writeIndex), processRef(report.processes[runIndex]!, runIndex));
    found.set(rule, list);
  }
  const text = {
    'download-execute': 'A file downloaded by package code outside its own folder was then executed (second stage)',
    'download-execute.own-folder': "A file downloaded into the package's own folder was then executed (prebuilt-binary pattern)",
    'dropped-file-execute': 'Package code wrote a file outside its own folder and then executed it',
  } as const;
  return [...found].map(([rule, evidence]) => hit(rule, `${text[rule]}: ${evidence[0]!.path}.`, evidence));
}

const LIFECYCLE_EVENTS = new Set(['preinstall', 'install', 'postinstall']);

/**
 * The processes `lifecycle-shell` (npm) or `setup-script-shell` (PyPI) would report with no baseline:
 * what they look at, and therefore all that a learned program baseline may ever subtract (learning uses
 * this too, so a build tool's `python3 -c` never becomes a signature that would hide a script's own).
 */
export function programRuleCandidates(context: ScoringContext): { exec: ProcessExec; index: number }[] {
  const out: { exec: ProcessExec; index: number }[] = [];
  const pypi = context.report.package.ecosystem === 'pypi';
  context.report.processes.forEach((p, index) => {
    const program = programName(p.path);
    if (!isShellLike(program)) return;
    if (pypi) {
      if (p.phase !== 'install' || p.result !== 'ok' || INTERPRETERS.has(program)) return;
    } else {
      const attribution = p.attribution;
      if (attribution === null || !LIFECYCLE_EVENTS.has(attribution.event)) return;
      if (p.argv[1] === '-c' && attribution.script !== null && p.argv[2] === attribution.script) return;
      if (isBuildToolShell(p.argv, program)) return;
      if (isExecFallback(context, p)) return;
      if (isVersionProbe(p.argv) || isShellVersionProbe(p.argv) || hasBuildSiblings(context, p)) return;
    }
    if (context.ancestorArgvs(p.phase, p.pid, p.time).some(isBuildTool)) return;
    out.push({ exec: p, index });
  });
  return out;
}

/**
 * The C library's `/bin/sh FILE` after `execve(FILE)` failed with ENOEXEC (a file without `#!` or a
 * foreign binary): the same execution as the file's, which `download-execute*` and `dropped-file-execute`
 * weigh; a file with `#!` would have run its interpreter without any visible shell.
 */
function isExecFallback(context: ScoringContext, shell: ProcessExec): boolean {
  const file = shell.argv[1];
  return (
    file !== undefined &&
    context.report.processes.some(
      (p) => p.phase === shell.phase && p.pid === shell.pid && p.time <= shell.time && p.result === 'ENOEXEC' && p.path === file,
    )
  );
}

/** `path` lies in `node_modules/<name>/` of the package `name` (scoped names included). */
function inOwnModuleFolder(path: string, name: string | undefined): boolean {
  return name !== undefined && name !== '' && path.includes(`/node_modules/${name}/`);
}

/** Every run of the written file after the write passes it one version flag and nothing else (directly, or as a shell's or interpreter's script). */
function onlyAskedItsVersion(processes: readonly ProcessExec[], write: FileWrite): boolean {
  const runs = processes.filter((p) => p.time >= write.time && executes(p, write.path));
  return runs.length > 0 && runs.every((p) => isVersionProbe(p.path === write.path ? p.argv : p.argv.slice(p.argv.indexOf(write.path))));
}

/** `python3 --version`: asks an interpreter which version it is, runs no code. */
function isVersionProbe(argv: readonly string[]): boolean {
  return argv.length === 2 && /^(?:--version|-V|-version)$/.test(argv[1]!);
}

/**
 * `sh -c "ldd --version"`, `sh -c "prisma -v"`: a shell that only asks one program on PATH which version it
 * is. Benign install scripts do this to pick a prebuilt binary (glibc or musl) or to check that a CLI they
 * installed runs; it is one bare word and one version flag, with no path, pipe, redirect, substitution,
 * variable or second command (those still count). Machine reconnaissance (`whoami`, `uname -a`, `id`) asks
 * about the user or host, not a program's version, and still counts; what the probed program does is traced
 * and scored like everything else.
 */
function isShellVersionProbe(argv: readonly string[]): boolean {
  if (argv.length !== 3 || argv[1] !== '-c') return false;
  const words = argv[2]!.trim().split(/ +/);
  return words.length === 2 && /^[A-Za-z][\w.+-]*$/.test(words[0]!) && /^(?:--version|-v|-V|-version|version)$/.test(words[1]!);
}

/**
 * A step of a build recipe: its parent also started build tools (`sh -c "rm ./INSTALL"` next to
 * `sh -c ./configure ...` and `make`, as bin-build runs a source fallback). Pipes into a shell are still
 * `pipe-to-shell`, whatever their siblings.
 */
function hasBuildSiblings(context: ScoringContext, p: ProcessExec): boolean {
  if (p.ppid === null) return false;
  return context.report.processes.some(
    (other) =>
      other.phase === p.phase &&
      other.ppid === p.ppid &&
      other.pid !== p.pid &&
      (isBuildTool(other.argv) || isBuildToolShell(other.argv, programName(other.path))),
  );
}

/**
 * Shells, interpreters and network tools started under an install-time lifecycle script. Left out:
 * npm's own `sh -c <script>` that runs the script, shells that only run build tools (npm's node-gyp
 * shim, `sh -c node-gyp-build-test`), children of build tools (node-gyp, make, cmake), and process
 * signatures the baseline knows from benign installs.
 */
export function lifecycleShell(context: ScoringContext): RuleHit[] {
  if (context.report.package.ecosystem === 'pypi') return [];
  const evidence = programRuleCandidates(context)
    .filter(({ exec }) => !context.knownProcess(exec))
    .map(({ exec, index }) => processRef(exec, index));
  if (evidence.length === 0) return [];
  const programs = [...new Set(evidence.map((e) => programName(e.path ?? '')))].join(', ');
  return [hit('lifecycle-shell', `Install scripts started ${programs}: ${clip(evidence[0]!.detail ?? '', 120)}.`, evidence)];
}

/** A worm step: `npm publish` (or twine upload) run by package code, with the victim's token. */
export function npmPublish(context: ScoringContext): RuleHit[] {
  const evidence = matchingProcesses(
    context,
    (command, p) =>
      context.isPackageCode(p.attribution) && /\b(?:npm(?:-cli\.js)?|yarn|pnpm)\b.*\bpublish\b|\btwine\b.*\bupload\b/.test(command),
  );
  // Or straight through the registry's API, as Shai-Hulud does with fetch: a PUT of a package document
  // with a token. The sandbox installs offline, so no package manager of ours sends one.
  context.report.network.tcp.forEach((record, index) => {
    const http = record.http;
    const host = (http?.host ?? record.destination.hostname ?? '').toLowerCase().replace(/:\d+$/, '');
    if (!http || http.method !== 'PUT' || !/^registry\.(?:npmjs\.org|yarnpkg\.com)$/.test(host)) return;
    if (!http.headers.some(([name]) => name.toLowerCase() === 'authorization')) return;
    evidence.push({
      section: 'network.tcp',
      index,
      time: record.time,
      destination: host,
      detail: `PUT ${clip(http.target, 80)} with a token`,
    });
  });
  if (evidence.length === 0) return [];
  return [hit('self-propagation.npm-publish', `Package code tried to publish a package: ${evidence[0]!.detail}.`, evidence)];
}

/** A miner started by name or by its telltale flags. */
export function minerBinary(context: ScoringContext): RuleHit[] {
  const evidence = matchingProcesses(context, (command) =>
    /xmrig|cpuminer|minerd|xmr-stak|--donate-level|stratum\+(?:tcp|ssl):\/\//i.test(command),
  );
  if (evidence.length === 0) return [];
  return [hit('mining.miner-binary', `A cryptocurrency miner was started: ${evidence[0]!.detail}.`, evidence)];
}

/**
 * PyPI has no lifecycle scripts: setup.py runs inside pip's build step. A shell or network tool started
 * under it (os.system, subprocess) is what `lifecycle-shell` is for npm. pip's own helpers (python build
 * hooks, lsb_release, uname) and compilers under build tools are not shells and do not count.
 */
export function setupScriptShell(context: ScoringContext): RuleHit[] {
  if (context.report.package.ecosystem !== 'pypi') return [];
  const evidence = programRuleCandidates(context)
    .filter(({ exec }) => !context.knownProcess(exec))
    .map(({ exec, index }) => processRef(exec, index));
  if (evidence.length === 0) return [];
  const programs = [...new Set(evidence.map((e) => programName(e.path ?? '')))].join(', ');
  return [hit('setup-script-shell', `setup.py started ${programs}: ${clip(evidence[0]!.detail ?? '', 120)}.`, evidence)];
}

/**
 * Package code started a Windows program the way only a payload does (a hidden or encoded PowerShell, a
 * download cradle, a DLL through rundll32, certutil fetching, a Run key): on Linux the exec fails, in
 * the windows view it reaches a recorder; either way it is what the package does on Windows.
 */
export function windowsPayloadLaunch(context: ScoringContext): RuleHit[] {
  const evidence = matchingProcesses(
    context,
    (command, p) => context.isPackageCode(p.attribution) && isWindowsLauncher(p) && isWindowsPayloadLaunch(command),
  );
  if (evidence.length === 0) return [];
  return [hit('windows-payload.launch', `Package code launched a Windows payload: ${clip(evidence[0]!.detail ?? '', 120)}.`, evidence)];
}

/** A Windows program (by name, or as the whole command line Popen made the program name), or a shell running one. */
function isWindowsLauncher(p: ProcessExec): boolean {
  if (WINDOWS_PROGRAMS.has((programName(p.path).split(/\s+/)[0] ?? '').toLowerCase())) return true;
  if (!SHELLS.has(programName(p.path)) || p.argv[1] !== '-c') return false;
  const first = /^\s*(?:start\s+)?([\w.]+)/.exec(p.argv[2] ?? '')?.[1] ?? '';
  return WINDOWS_PROGRAMS.has(first.toLowerCase());
}

/**
 * `cmd.exe /d /s /c "<command>"` running an ordinary command: how Node's `exec` and `spawn({ shell: true })`
 * run anything on Windows, the `sh -c` of that platform. Shown Windows, a benign build goes through it; a
 * launcher, `start` or a Windows executable, script or DLL inside it is still an attempt.
 */
const WINDOWS_FILE = /\.(?:exe|dll|bat|cmd|vbs|vbe|js|jse|wsf|hta|ps1|scr|pyw)\b/i;

function isNodeShellWrapper(argv: readonly string[]): boolean {
  if (!/^cmd(?:\.exe)?$/i.test(programName(argv[0] ?? ''))) return false;
  const c = argv.findIndex((a) => /^\/c$/i.test(a));
  if (c < 0 || !argv.slice(1, c).every((a) => /^\/[ds]$/i.test(a))) return false;
  const inner = argv
    .slice(c + 1)
    .join(' ')
    .replace(/^"|"$/g, '')
    .trim();
  const first = (/^([^\s]+)/.exec(inner)?.[1] ?? '').toLowerCase();
  return first !== '' && !WINDOWS_PROGRAMS.has(first) && !WINDOWS_FILE.test(first);
}

/** Package code tried to start a Windows launcher (powershell, cmd, mshta, ...): a payload aimed at Windows. */
export function windowsPayloadAttempt(context: ScoringContext): RuleHit[] {
  const shownWindows = context.report.sandbox.profile?.platform === 'win32';
  const evidence = matchingProcesses(context, (command, p) => {
    if (!context.isPackageCode(p.attribution)) return false;
    // Shown Windows, Windows programs exist and run: a PowerShell session reading system details or Node's cmd.exe
    // around a build is what a benign install does there. What stays an attempt is running a Windows file:
    // an executable, a script or a DLL (`cmd /c compile.bat`, `start x.exe`); the launch rule judges the rest.
    if (shownWindows && (isNodeShellWrapper(p.argv) || !p.argv.slice(1).some((a) => WINDOWS_FILE.test(a)))) return false;
    // subprocess.Popen('powershell -enc ...') without a shell makes the whole string the program name.
    const program = (programName(p.path).split(/\s+/)[0] ?? '').toLowerCase();
    if (WINDOWS_TOOLS.has(program)) return true;
    // Through a shell: `sh -c "powershell -enc ..."`.
    return (
      SHELLS.has(programName(p.path)) &&
      p.argv[1] === '-c' &&
      /^\s*(?:start\s+)?(?:powershell|pwsh|cmd(?:\.exe)?|mshta|wscript|cscript)\b/i.test(p.argv[2] ?? '')
    );
  });
  if (evidence.length === 0) return [];
  return [
    hit('windows-payload-attempt', `Package code tried to run a Windows launcher: ${clip(evidence[0]!.detail ?? '', 120)}.`, evidence),
  ];
}

/**
 * npm lifecycle scripts: which install-time scripts a package declares and what they start.
 * Install scripts are where most npm malware runs, but also where node-gyp builds and binary
 * downloads live, so presence alone is weak; the command details carry the weight.
 */
import { asRecord, jsonKeyLine, normalizePackagePath, stringMap } from './manifest-fields.js';
import { programName, splitShellCommand, type ShellSegment } from './shell-command.js';
import { signal, type StaticSignal } from './signal.js';

/** Scripts npm runs when the package is installed (`prepare` only for git/local installs). */
export const INSTALL_LIFECYCLE_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'] as const;

export interface InstallScriptInput {
  /** The tarball's package.json, parsed by the caller. */
  manifest: unknown;
  /** Paths of the package's files relative to its root (no `package/` prefix). */
  files?: readonly string[];
  /** The package.json text, only to give line numbers in evidence. */
  manifestText?: string;
  /** Where the manifest sits in the package; `package.json` by default. */
  manifestPath?: string;
}

export interface InstallScriptAnalysis {
  signals: StaticSignal[];
  /** Package files the pre/install/postinstall scripts run (resolved against `files` where possible): scan these harder. */
  targets: string[];
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'cmd', 'powershell', 'pwsh']);
const PYTHONS = /^python(?:\d(?:\.\d+)?)?$/;
const INTERPRETERS = new Set(['node', 'nodejs', 'perl', 'ruby', 'php', 'deno', 'bun', 'tsx', 'ts-node']);
const DOWNLOADERS = new Set(['curl', 'wget', 'invoke-webrequest', 'iwr', 'invoke-restmethod', 'irm', 'bitsadmin', 'ftp', 'tftp', 'aria2c']);
const BUILD_TOOLS = new Set(['node-gyp', 'node-pre-gyp', 'prebuild-install', 'cmake-js', 'node-gyp-build', 'prebuild']);
/** Flags after which the interpreter runs code given inline. */
const INLINE_FLAGS: Record<string, readonly string[]> = {
  node: ['-e', '--eval', '-p', '--print'],
  python: ['-c'],
  shell: ['-c', '-command', '-encodedcommand', '-enc', '/c'],
  perl: ['-e', '-E'],
  ruby: ['-e'],
  php: ['-r'],
};

/** Reads the lifecycle scripts of a package.json and reports what each one runs. */
export function analyzeInstallScripts(input: InstallScriptInput): InstallScriptAnalysis {
  const file = input.manifestPath ?? 'package.json';
  const scripts = stringMap(asRecord(input.manifest)?.scripts);
  const files = input.files ?? [];
  const signals: StaticSignal[] = [];
  const targets = new Set<string>();

  for (const name of INSTALL_LIFECYCLE_SCRIPTS) {
    const command = scripts[name];
    if (command === undefined) continue;
    const evidence = {
      file,
      line: jsonKeyLine(input.manifestText, name),
      snippet: `"${name}": ${JSON.stringify(command)}`,
      value: command,
    };
    const segments = splitShellCommand(command);
    const tool = segments.map((s) => programName(s.words[0]!)).find((p) => BUILD_TOOLS.has(p));
    signals.push(
      signal(
        'install-script.present',
        name === 'prepare' ? 'info' : 'low',
        name === 'prepare'
          ? `"prepare" script (runs for git and local installs, not registry installs): ${command}`
          : `"${name}" script runs at install time: ${command}`,
        evidence,
        { script: name, ...(tool ? { buildTool: tool } : {}) },
      ),
    );
    for (const s of analyzeCommand(command, segments)) {
      signals.push(signal(s.id, s.severity, `"${name}" ${s.message}`, { ...evidence, value: s.value ?? command }, { script: name }));
      // `prepare` runs only for git and local installs, so its files are not install-time for registry packages.
      if (s.id === 'install-script.runs-file' && s.value && name !== 'prepare') targets.add(resolveTarget(s.value, files));
    }
  }

  const hasGyp = files.some((f) => f === 'binding.gyp');
  if (hasGyp && scripts.install === undefined && scripts.preinstall === undefined) {
    signals.push(
      signal(
        'install-script.node-gyp',
        'low',
        'binding.gyp with no install script: npm runs `node-gyp rebuild` at install time (native build)',
        { file: 'binding.gyp', value: 'node-gyp rebuild' },
        { script: 'install', implicit: true },
      ),
    );
  }
  return { signals, targets: [...targets] };
}

interface CommandFinding {
  id: StaticSignal['id'];
  severity: StaticSignal['severity'];
  message: string;
  value?: string;
}

/** What one script command starts: files run by interpreters, inline code, downloads, pipes into shells. */
export function analyzeCommand(command: string, segments: ShellSegment[] = splitShellCommand(command)): CommandFinding[] {
  return analyzeSegments(segments, 0);
}

/** `sh -c` inside `sh -c` is looked into this deep, no deeper: a hostile script must not exhaust the stack. */
const MAX_NESTED_SHELLS = 3;

function analyzeSegments(segments: ShellSegment[], depth: number): CommandFinding[] {
  const findings: CommandFinding[] = [];
  for (const segment of segments) {
    const program = programName(segment.words[0]!);
    const family = interpreterFamily(program);
    const args = segment.words.slice(1);
    if (segment.piped && family !== null) {
      findings.push({
        id: 'install-script.pipe-to-shell',
        severity: 'high',
        message: `pipes data into ${program}, running whatever arrives`,
        value: program,
      });
    }
    if (family !== null) {
      const inline = inlineCode(family, args);
      if (inline !== null) {
        findings.push({ id: 'install-script.inline-code', severity: 'medium', message: `runs inline ${program} code`, value: inline });
        if (family === 'shell' && /^-enc(?:odedcommand)?$/i.test(args.find((a) => a.startsWith('-')) ?? '')) {
          findings.push({
            id: 'install-script.decodes-payload',
            severity: 'high',
            message: 'runs a base64-encoded PowerShell command',
            value: inline,
          });
        }
        // `sh -c "curl … | sh"`: the inner command matters as much as the outer one.
        if (family === 'shell' && depth < MAX_NESTED_SHELLS) findings.push(...analyzeSegments(splitShellCommand(inline), depth + 1));
      } else {
        const target = fileArgument(family, args);
        if (target !== null)
          findings.push({
            id: 'install-script.runs-file',
            severity: 'info',
            message: `runs the package file ${target} with ${program}`,
            value: target,
          });
      }
    }
    if (DOWNLOADERS.has(program) || (program === 'certutil' && args.some((a) => /urlcache/i.test(a)))) {
      const url = args.find((a) => /^[a-z]+:\/\//i.test(a));
      findings.push({
        id: 'install-script.download',
        severity: 'medium',
        message: `downloads with ${program}${url ? ` from ${url}` : ''}`,
        value: url ?? program,
      });
    }
    if (decodesPayload(program, args)) {
      findings.push({
        id: 'install-script.decodes-payload',
        severity: 'high',
        message: `decodes an encoded payload with ${program}`,
        value: [program, ...args].join(' '),
      });
    }
    if (
      ((program === 'nc' || program === 'ncat' || program === 'netcat') && args.some((a) => a === '-e' || a === '-c')) ||
      segment.words.some((w) => /\/dev\/(?:tcp|udp)\//.test(w))
    ) {
      findings.push({
        id: 'install-script.network-shell',
        severity: 'high',
        message: 'opens a shell over the network (reverse shell pattern)',
        value: segment.words.join(' '),
      });
    }
  }
  return findings;
}

/**
 * The commands of a shell script that an install script runs (`sh preinstall.sh`), line by line:
 * the same findings as for a lifecycle command, with the script's file and line as evidence.
 */
export function analyzeShellScript(text: string, file: string, maxFindings = 20): StaticSignal[] {
  const out: StaticSignal[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && out.length < maxFindings; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    for (const f of analyzeCommand(line)) {
      if (f.id === 'install-script.runs-file' || out.length >= maxFindings) continue;
      out.push(signal(f.id, f.severity, `${file} ${f.message}`, { file, line: i + 1, snippet: line, value: f.value ?? line }));
    }
  }
  return out;
}

type InterpreterFamily = 'node' | 'python' | 'shell' | 'perl' | 'ruby' | 'php' | 'other';

function interpreterFamily(program: string): InterpreterFamily | null {
  if (program === 'node' || program === 'nodejs') return 'node';
  if (PYTHONS.test(program)) return 'python';
  if (SHELLS.has(program) || program === 'iex' || program === 'invoke-expression') return 'shell';
  if (program === 'perl' || program === 'ruby' || program === 'php') return program;
  if (INTERPRETERS.has(program)) return 'other';
  return null;
}

function inlineCode(family: InterpreterFamily, args: string[]): string | null {
  const flags = INLINE_FLAGS[family];
  if (!flags) return null;
  for (let i = 0; i < args.length; i++) {
    if (flags.includes(args[i]!.toLowerCase())) return args.slice(i + 1).join(' ') || null;
  }
  return null;
}

/** The first non-flag argument (node's `-r file` counts too); `python -m mod` runs a module, not a file. */
function fileArgument(family: InterpreterFamily, args: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (family === 'node' && (a === '-r' || a === '--require' || a === '--import') && args[i + 1]) return cleanTarget(args[i + 1]!);
    if (family === 'python' && a === '-m') return null;
    if (/^\d*[<>]/.test(a)) {
      if (/^\d*(?:>>?|<|>&)$/.test(a)) i++; // the redirection's own target
      continue;
    }
    if (a.startsWith('-')) continue;
    // Absolute paths and URLs are not package files.
    return /^(?:[\\/]|[a-z]:|[a-z]+:\/\/)/i.test(a) ? null : cleanTarget(a);
  }
  return null;
}

function cleanTarget(path: string): string {
  return normalizePackagePath(path) ?? path;
}

function decodesPayload(program: string, args: string[]): boolean {
  if (program === 'base64') return args.some((a) => a === '-d' || a === '--decode' || a === '-D');
  if (program === 'xxd') return args.includes('-r');
  if (program === 'openssl') return args.includes('-d') || args.includes('base64');
  if (program === 'certutil') return args.some((a) => /^[-/]decode(hex)?$/i.test(a));
  return false;
}

/** `scripts/postinstall` -> `scripts/postinstall.js` when that is the file node would load. */
export function resolveTarget(ref: string, files: readonly string[]): string {
  const set = new Set(files);
  for (const candidate of [ref, `${ref}.js`, `${ref}.cjs`, `${ref}.mjs`, `${ref}/index.js`]) if (set.has(candidate)) return candidate;
  return ref;
}

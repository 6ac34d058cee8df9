/**
 * Obfuscated code executed at install: the static scan found decode-then-exec (base64/hex/Fernet/zlib
 * into exec, eval, Function, marshal) in an install-time file, and the trace shows that file ran in the
 * install phase. Static evidence alone never decides; run and seen running, it is what W4SP-style
 * stealers and BeaverTail loaders do, whatever their payload then does on this platform.
 */
import { basename, clip } from '../commands.js';
import { hit, type ScoringContext } from '../context.js';
import type { EvidenceRef, RuleHit } from '../types.js';

/**
 * Decoded or decrypted data run as code. Not `exec-compile` alone: `exec(compile(open('version.py').read(), ...))`
 * is a common benign setup.py idiom (static-signals weighs it low for that reason).
 */
const DECODE_EXEC = new Set(['obfuscation.exec-decoded', 'obfuscation.marshal-loads', 'obfuscation.compressed-payload']);

export function obfuscatedInstallExec(context: ScoringContext): RuleHit[] {
  const { report } = context;
  const evidence: EvidenceRef[] = [];
  report.staticSignals.forEach((signal, index) => {
    if (!DECODE_EXEC.has(signal.id) || signal.details?.installTime !== true || !signal.evidence.file) return;
    const ran = ranAtInstall(context, signal.evidence.file);
    if (ran === null) return;
    evidence.push({ section: 'staticSignals', index, path: signal.evidence.file, detail: clip(signal.message) }, ran);
  });
  if (evidence.length === 0) return [];
  const files = [...new Set(evidence.flatMap((e) => (e.section === 'staticSignals' && e.path ? [e.path] : [])))];
  return [
    hit(
      'obfuscated-install-exec',
      `Ran decode-and-execute code at install: ${clip(files.join(', '), 160)} (seen running in the install phase).`,
      evidence,
    ),
  ];
}

/**
 * Decode-then-exec in a Python package's top-level module file (`pkg/__init__.py`, `pkg.py`) that the
 * import phase loaded (the runner's import result names the module): what W4SP-style stealers hide in the
 * first file an `import` runs. No benign corpus wheel has decode-then-exec in such a file (0 of 409 measured;
 * the 8 with one elsewhere keep it in internal modules: a serializer, a templating helper). Suspicious alone,
 * not malicious: the load shows the file ran, not that the line did (it may sit in a function or under
 * `if __name__ == '__main__'`); beside any other rule it is enough for malicious.
 */
export function obfuscatedImportExec(context: ScoringContext): RuleHit[] {
  const { report } = context;
  if (report.package.ecosystem !== 'pypi') return [];
  const loaded = loadedModules(report.importResult);
  const evidence: EvidenceRef[] = [];
  report.staticSignals.forEach((signal, index) => {
    const file = signal.evidence.file;
    if (!DECODE_EXEC.has(signal.id) || signal.details?.installTime === true || !file) return;
    const module = /^([A-Za-z_]\w*)(?:\/__init__)?\.py$/.exec(file)?.[1];
    if (!module || !loaded.has(module)) return;
    evidence.push({ section: 'staticSignals', index, path: file, detail: clip(signal.message) });
  });
  if (evidence.length === 0) return [];
  const files = [...new Set(evidence.map((e) => e.path ?? ''))];
  const phase = report.phases.findIndex((p) => p.name === 'import');
  const load = { section: 'phases', index: phase, phase: 'import', detail: `modules loaded: ${clip([...loaded].join(', '), 120)}` };
  return [
    hit('obfuscated-import-exec', `Decode-and-execute code in a top-level module the import loaded: ${clip(files.join(', '), 160)}.`, [
      ...evidence,
      ...(phase >= 0 ? [load] : []),
    ]),
  ];
}

/** Top-level modules the Python runner imported (attempted), from its result (untrusted JSON, read defensively). */
function loadedModules(importResult: unknown): Set<string> {
  const modules = (importResult as { modules?: unknown } | null)?.modules;
  return new Set(modules && typeof modules === 'object' ? Object.keys(modules) : []);
}

/**
 * The install-phase process that ran `file`: an interpreter with the file (or, for setup.py, pip's
 * setup.py caller) in its argv; for inline `package.json#scripts.<event>.js`, any process of that script.
 */
function ranAtInstall(context: ScoringContext, file: string): EvidenceRef | null {
  const inline = /^package\.json#scripts\.([\w:-]+)\.js$/.exec(file);
  const name = basename(file);
  const index = context.report.processes.findIndex((p) => {
    if (p.phase !== 'install' || !context.isPackageCode(p.attribution)) return false;
    if (inline) return p.attribution?.event === inline[1];
    return p.argv.some((arg) => arg === file || basename(arg) === name || (name === 'setup.py' && arg.includes('/setup.py')));
  });
  if (index < 0) return null;
  const p = context.report.processes[index]!;
  return { section: 'processes', index, phase: p.phase, pid: p.pid, time: p.time, detail: clip(p.argv.join(' ')) };
}

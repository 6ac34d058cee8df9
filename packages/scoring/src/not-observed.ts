/** What the run could not see: a verdict states its blind spots instead of implying they were clean. */
import type { SandboxReport } from '@airlock/core';
import { PHASES } from '@airlock/core';
import { clip, commandLine } from './commands.js';
import type { EvidenceRef, NotObserved, StaticSignalLike } from './types.js';

const WINDOWS =
  /powershell|pwsh|cmd\.exe|cmd \/c|certutil|rundll32|wscript|cscript|mshta|regsvr32|\.bat\b|\.ps1\b|\.vbs\b|\.exe\b|win32|os\.name\s*==\s*['"]nt['"]|%appdata%|%programdata%/i;
const MACOS = /osascript|launchctl|\/Library\/|\.plist\b|darwin|security find-generic-password/i;

export function notObserved(report: SandboxReport, signals: readonly StaticSignalLike[], anyHit: boolean): NotObserved[] {
  const out: NotObserved[] = [];
  for (const name of PHASES) {
    const phase = report.phases.find((p) => p.name === name);
    if (!phase) {
      out.push({
        kind: 'phase-missing',
        phase: name,
        message: `The ${name} phase did not run: its behaviour was not observed.`,
        hidesBehaviour: true,
        evidence: [],
      });
      continue;
    }
    const ref: EvidenceRef = { section: 'phases', index: report.phases.indexOf(phase), phase: name };
    if (phase.status === 'timeout') {
      out.push({
        kind: 'phase-timeout',
        phase: name,
        message: `The ${name} phase hit its ${phase.timeoutMs} ms limit: anything later was not observed.`,
        hidesBehaviour: true,
        evidence: [ref],
      });
    } else if (phase.status === 'error') {
      out.push({
        kind: 'phase-error',
        phase: name,
        message: `The ${name} phase could not be run or observed${phase.error ? ` (${clip(phase.error, 120)})` : ''}.`,
        hidesBehaviour: true,
        evidence: [ref],
      });
    } else if (name === 'install' && phase.exitCode !== 0) {
      out.push({
        kind: 'install-failed',
        phase: name,
        message: `The install failed (exit code ${phase.exitCode}): scripts after the failure and the import may not have run as for a user.`,
        hidesBehaviour: false,
        evidence: [ref],
      });
    }
    if (phase.lingeringProcesses > 0) {
      out.push({
        kind: 'lingering-processes',
        phase: name,
        message: `${phase.lingeringProcesses} process(es) were still running when the ${name} phase ended and were killed: delayed behaviour was not observed.`,
        hidesBehaviour: true,
        evidence: [ref],
      });
    }
    if (phase.traceTruncated) {
      out.push({
        kind: 'record-incomplete',
        phase: name,
        message: `The syscall record of the ${name} phase is incomplete (${clip(phase.traceIssue ?? 'record cut', 120)}): what followed was not observed.`,
        hidesBehaviour: true,
        evidence: [{ ...ref, detail: clip(phase.traceIssue ?? 'record cut', 160) }],
      });
    }
  }
  ((report as Partial<SandboxReport>).evidenceGaps ?? []).forEach((gap, index) => {
    out.push({
      kind: 'evidence-gap',
      ...(gap.phase ? { phase: gap.phase } : {}),
      message: gap.message,
      hidesBehaviour: gap.hidesBehaviour,
      evidence: [{ section: 'evidenceGaps', index, ...(gap.phase ? { phase: gap.phase } : {}), detail: clip(gap.kind, 160) }],
    });
  });
  const tail = anyHit ? '' : ' Nothing else was observed, so the verdict covers the Linux path only.';
  const windows = platformMarkers(report, signals, WINDOWS);
  if (windows.length > 0)
    out.push({
      kind: 'windows-only-code',
      message: `Windows-only code paths are referenced and cannot run in the Linux sandbox.${tail}`,
      hidesBehaviour: false,
      evidence: windows,
    });
  const macos = platformMarkers(report, signals, MACOS);
  if (macos.length > 0)
    out.push({
      kind: 'macos-only-code',
      message: `macOS-only code paths are referenced and cannot run in the Linux sandbox.${tail}`,
      hidesBehaviour: false,
      evidence: macos,
    });
  return out;
}

/**
 * A Python error that only Windows-only code raises on Linux: a missing Windows module (win32api,
 * win32crypt, winreg, ...), `windll` from ctypes, or a Windows-only subprocess flag. The package's
 * code stopped there, so what it does on Windows was not observed.
 */
const WINDOWS_ERROR =
  /No module named '(?:win32\w*|winreg|_winreg|_winapi|msvcrt|pywintypes|wmi|winsound|pythoncom)'|cannot import name '(?:windll|WinDLL|wintypes|WinError)'|has no attribute '(?:CREATE_NO_WINDOW|STARTUPINFO|STARTF_USESHOWWINDOW|windll|WinDLL|DETACHED_PROCESS|CREATE_NEW_CONSOLE)'/;

/** argv (including failed execs such as a PATH search for `powershell`), Windows-only Python errors in a phase's output, and static evidence naming another OS. */
function platformMarkers(report: SandboxReport, signals: readonly StaticSignalLike[], pattern: RegExp): EvidenceRef[] {
  const out: EvidenceRef[] = [];
  if (pattern === WINDOWS) {
    report.phases.forEach((phase, index) => {
      const match = WINDOWS_ERROR.exec(`${phase.stderr.text}\n${phase.stdout.text}`);
      if (match) out.push({ section: 'phases', index, phase: phase.name, detail: clip(match[0]) });
    });
  }
  report.processes.forEach((p, index) => {
    const command = commandLine(p.argv);
    if (pattern.test(command) || pattern.test(p.path))
      out.push({
        section: 'processes',
        index,
        phase: p.phase,
        pid: p.pid,
        time: p.time,
        path: p.path,
        detail: clip(`${command} (${p.result})`),
      });
  });
  signals.forEach((signal, index) => {
    const text = [signal.message, signal.evidence.snippet ?? '', signal.evidence.value ?? ''].join(' ');
    if (pattern.test(text))
      out.push({
        section: 'staticSignals',
        index,
        ...(signal.evidence.file === undefined ? {} : { path: signal.evidence.file }),
        detail: clip(signal.evidence.snippet ?? signal.message),
      });
  });
  return out.slice(0, 10);
}

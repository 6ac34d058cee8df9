/** Sandbox and VM probes followed by silence: the package looked around and chose not to act here. */
import { clip, commandLine, programName } from '../commands.js';
import { hit, type ScoringContext } from '../context.js';
import type { EvidenceRef, RuleHit } from '../types.js';
import { processRef } from './evidence.js';

const PROBE_PROGRAMS = new Set(['dmidecode', 'systemd-detect-virt', 'virt-what', 'imvirt']);
/** procps and kin read /proc/uptime (and /proc/1/*) to show process times: a process listing, not a probe. */
const PROCESS_LISTERS = new Set(['ps', 'top', 'htop', 'pgrep', 'pkill', 'pidof', 'pstree', 'free', 'vmstat', 'w']);
const PROBE_PATHS =
  /\/proc\/self\/status|\/proc\/1\/cgroup|\/proc\/1\/sched|\/\.dockerenv|\/run\/\.containerenv|\/sys\/class\/dmi\/id\/|\/proc\/scsi\/scsi/;

/**
 * Probes made by package code: VM-detection programs, commands and refused reads naming container tells,
 * and reads or existence checks of them (`fs.existsSync('/.dockerenv')`, `/proc/1/cgroup`, `os.uptime()`).
 */
function sandboxProbes(context: ScoringContext): EvidenceRef[] {
  const out: EvidenceRef[] = [];
  context.report.processes.forEach((p, index) => {
    if (!context.isPackageCode(p.attribution)) return;
    if (PROBE_PROGRAMS.has(programName(p.path)) || PROBE_PATHS.test(commandLine(p.argv))) out.push(processRef(p, index));
  });
  context.report.denied.forEach((d, index) => {
    if (PROBE_PATHS.test(d.target) && context.isPackageCode(context.attributionOf(d.phase, d.pid, d.time))) {
      out.push({ section: 'denied', index, phase: d.phase, pid: d.pid, time: d.time, path: d.target, detail: `${d.syscall} ${d.result}` });
    }
  });
  context.report.sensitiveFiles.forEach((access, index) => {
    if (access.rule !== 'container-marker' || !context.isPackageCode(access.attribution)) return;
    if (access.program !== null && PROCESS_LISTERS.has(programName(access.program))) return;
    out.push({
      section: 'sensitiveFiles',
      index,
      phase: access.phase,
      pid: access.pid,
      time: access.time,
      path: access.path,
      detail: `${access.operation} ${access.path}`,
    });
  });
  return out.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
}

/**
 * Fires when package code probed for a sandbox and nothing followed: no network, no package-code
 * process or write after the last probe. A probe followed by activity is left to the rules that see it.
 */
export function sandboxEvasion(context: ScoringContext): RuleHit[] {
  const probes = sandboxProbes(context);
  if (probes.length === 0) return [];
  const last = Math.max(...probes.map((p) => p.time ?? 0));
  const { report } = context;
  const network = [...report.network.dns, ...report.network.tcp, ...report.network.udp].some((r) => r.time > last);
  const processes = report.processes.some(
    (p) =>
      context.isPackageCode(p.attribution) &&
      p.time > last &&
      !probes.some((probe) => probe.section === 'processes' && probe.pid === p.pid),
  );
  const writes = report.fileWrites.some(
    (w) => w.time > last && context.isPackageCode(context.attributionOf(w.phase, w.pid, w.time)) && !w.normalizedPath.startsWith('<TMP>'),
  );
  if (network || processes || writes) return [];
  return [
    hit(
      'sandbox-evasion',
      `Package code checked for a VM or container (${clip(probes[0]!.detail ?? '', 80)}) and then did nothing more.`,
      probes,
    ),
  ];
}

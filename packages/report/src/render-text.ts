import { PHASES, type Destination, type SandboxReport, type SensitiveFileAccess, type TcpRecord, type VerdictLabel } from '@airlock/core';
import { attributionMark, renderProcessTree } from './render-process-tree.js';
import { basename, shorten, terminalSafe } from './text-format.js';

export const LIST_LIMIT = 40;
const PATH_WIDTH = 160;

/** How the caller's terminal shows the verdict line (the CLI colours it where the terminal has colour). */
export interface TextReportStyle {
  verdict?: (verdict: VerdictLabel, text: string) => string;
}

/** A readable summary of a report for a terminal. Lists longer than LIST_LIMIT say how many were left out. */
export function renderReportText(report: SandboxReport, style: TextReportStyle = {}): string {
  const out: string[] = [];
  let verdictLine = -1;
  const pkg = report.package;
  out.push(`${pkg.name}@${pkg.version} (${pkg.ecosystem})  sha256 ${pkg.archive.sha256.slice(0, 16)}…  ${pkg.archive.sizeBytes} bytes`);
  out.push(`report ${report.id}  ${report.createdAt}  image ${report.sandbox.image} (${report.sandbox.imageId.slice(7, 19)})`);
  const profile = report.sandbox.profile;
  if (profile?.name === 'ci') out.push(`profile: CI job (${profile.env.join(', ')}), because ${profile.reason}`);
  const views = report.views ?? [];
  if (views.length > 1)
    out.push(
      `runs: ${views.map((v) => `${v.view} ${v.verdict} ${v.score}${v.chosen ? ' (this report)' : ''}`).join('; ')}`,
      ...views.filter((v) => v.reason).map((v) => `  ${v.view}: ${v.reason}`),
    );
  out.push('');
  if (report.verdict) {
    const v = report.verdict;
    verdictLine = out.push(`Verdict: ${v.verdict.toUpperCase()} (score ${v.score}/100)`) - 1;
    if (v.verdict === 'inconclusive') out.push('  The run could not see everything and proved nothing malicious: not a clean result. Why:');
    for (const r of v.reasons.slice(0, 8))
      out.push(`  ${r.conclusive ? 'conclusive' : `+${r.weight}`.padEnd(10)} ${r.rule} [${r.tactic}]: ${r.explanation}`);
    if (v.reasons.length > 8) out.push(`  … ${v.reasons.length - 8} more reasons (see --json)`);
    // Reports before 0.9.0 carry no `hidesBehaviour`.
    for (const n of v.notObserved) out.push(`  ${(n.hidesBehaviour ?? false) ? 'NOT OBSERVED' : 'not observed'}: ${n.message}`);
    const gaps = report.evidenceGaps ?? [];
    if (gaps.length > 0)
      out.push(`  evidence gaps: ${gaps.map((g) => `${g.kind}${g.dropped === null ? '' : ` (${g.dropped} dropped)`}`).join(', ')}`);
    out.push('');
  }
  out.push('Phases');
  for (const p of report.phases) {
    const extra = [
      p.exitCode !== null ? `exit ${p.exitCode}` : null,
      p.lingeringProcesses ? `${p.lingeringProcesses} lingering process(es) killed` : null,
      p.error ?? null,
    ].filter(Boolean);
    out.push(
      `  ${p.name.padEnd(8)} ${p.status.padEnd(10)} ${(p.durationMs / 1000).toFixed(1)} s of ${p.timeoutMs / 1000} s  ${extra.join('; ')}`,
    );
  }
  out.push('');
  for (const phase of PHASES) {
    const tree = report.processTree[phase];
    if (!tree) continue;
    out.push(...renderProcessTree(phase, tree));
    out.push('');
  }
  section(
    out,
    'Static signals (evidence, not a verdict)',
    report.staticSignals,
    (g) =>
      `  ${g.severity.padEnd(6)} ${g.id}: ${g.message}${g.evidence.file ? `  [${g.evidence.file}${g.evidence.line ? `:${g.evidence.line}` : ''}]` : ''}`,
  );
  const honey = report.honeytokens;
  section(
    out,
    `Planted credentials leaked (${honey.planted.length} planted this run)`,
    honey.exfiltrated,
    (h) => `  ${h.tokenId} via ${h.channel} to ${h.destination} (${h.encoding})`,
  );
  section(
    out,
    'Planted credential files accessed',
    honey.accessed,
    (a) =>
      `  [${a.phase}] ${a.operation} ${shorten(a.path, PATH_WIDTH)} by ${a.program ?? `pid ${a.pid}`}${a.attribution ? ` <- ${a.attribution.packageName} ${a.attribution.event}` : ' (no package script)'}  (${a.result})`,
  );
  section(out, 'Sensitive files accessed', report.sensitiveFiles, sensitiveLine);
  const writes = report.fileWrites.filter((w) => w.result === 'ok');
  section(
    out,
    `Files written, created or changed (${report.fileWrites.length - writes.length} failed attempts in --json)`,
    writes,
    (w) => `  [${w.phase}] ${w.operation} ${shorten(w.path, PATH_WIDTH)}`,
  );
  // Netlink is the C library asking the kernel about interfaces, not traffic; it stays in --json.
  const connections = report.connections.filter((c) => c.family !== 'AF_NETLINK');
  section(
    out,
    'Network attempts',
    connections,
    (c) =>
      `  [${c.phase}] ${c.syscall} ${c.family} ${c.hostname ? `${c.hostname} (${c.address})` : (c.address ?? '?')}${c.port !== null ? `:${c.port}` : ''}  (${c.result})`,
  );
  const net = report.network;
  section(
    out,
    'DNS queries (fake internet)',
    net.dns,
    (d) => `  ${d.qtype} ${d.qname}${d.server.address ? `  via ${d.server.address}` : ''}  -> ${d.answers.join(', ') || 'no records'}`,
  );
  section(
    out,
    'TCP connections (fake internet)',
    net.tcp,
    (c) => `  ${destination(c.destination)} ${c.protocol}${describeTcp(c)}  ${c.bytes} bytes`,
  );
  section(out, 'UDP datagrams (fake internet)', net.udp, (u) => `  ${destination(u.destination)}  ${u.bytes} bytes`);
  section(out, 'Refused by the kernel (EACCES/EPERM)', report.denied, (d) => `  [${d.phase}] ${d.syscall} ${d.target}  (${d.result})`);
  section(
    out,
    "Acts against the sandbox's evidence",
    report.tampering ?? [],
    (t) => `  [${t.phase}] ${t.kind}: ${t.detail}${t.pid !== null ? `  (pid ${t.pid}, ${t.result})` : ''}`,
  );
  const fsChanges = report.fsDiff.filter((c) => c.kind !== 'modified');
  const modified = report.fsDiff.length - fsChanges.length;
  section(
    out,
    `Filesystem changes (docker diff; ${modified} modified folder(s) in --json)`,
    fsChanges,
    (c) => `  ${c.kind === 'added' ? '+' : '-'} ${shorten(c.path, PATH_WIDTH)}`,
  );
  const t = report.timings;
  out.push(
    `Timings: start ${t.containerStartMs} ms, ${Object.entries(t.phasesMs)
      .map(([k, v]) => `${k} ${v} ms`)
      .join(', ')}, collect ${t.collectMs} ms, teardown ${t.teardownMs} ms, total ${t.totalMs} ms`,
  );
  // Every line made safe (the package wrote most of it); the verdict's style (colour codes) after that.
  const safe = out.map(terminalSafe);
  if (report.verdict && style.verdict && verdictLine >= 0) safe[verdictLine] = style.verdict(report.verdict.verdict, safe[verdictLine]!);
  return safe.join('\n');
}

function destination(d: Destination): string {
  return `${d.hostname ?? d.address ?? '?'}${d.hostname && d.address ? ` (${d.address})` : ''}:${d.port ?? '?'}`;
}

function describeTcp(c: TcpRecord): string {
  const request = c.http
    ? ` ${c.http.method} ${c.http.host ?? ''}${c.http.target}${c.http.bodyBytes ? ` body ${c.http.bodyBytes} bytes` : ''}`
    : '';
  if (c.tls)
    return ` ${c.tls.intercepted ? 'HTTPS (decrypted)' : 'TLS, not decrypted:'} SNI ${c.tls.sni ?? '-'}${c.tls.alpn.length ? ` ALPN ${c.tls.alpn.join(',')}` : ''}${request}`;
  return request;
}

/** Unattributed install-phase accesses are npm's own (it reads ~/.npmrc and ~/.gitconfig on every install). */
function sensitiveLine(a: SensitiveFileAccess): string {
  const times = a.count > 1 ? ` ×${a.count}` : '';
  const who = a.attribution ? attributionMark(a.attribution) : '  (no package script: npm or the runtime itself)';
  const program = a.program ? ` ${basename(a.program)}` : '';
  return `  [${a.phase}] ${a.rule}: ${a.access} ${shorten(a.path, PATH_WIDTH)}  (${a.operation}, ${a.result}${times})  pid ${a.pid}${program}${who}`;
}

function section<T>(out: string[], title: string, items: T[], line: (item: T) => string): void {
  out.push(`${title}: ${items.length}`);
  for (const item of items.slice(0, LIST_LIMIT)) out.push(line(item));
  if (items.length > LIST_LIMIT) out.push(`  … ${items.length - LIST_LIMIT} more (see --json)`);
  out.push('');
}

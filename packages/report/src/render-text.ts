import type { Destination, ProcessExec, SandboxReport, TcpRecord } from '@airlock/core';

const LIST_LIMIT = 40;

/** A readable summary of a report for a terminal. Lists longer than LIST_LIMIT say how many were left out. */
export function renderReportText(report: SandboxReport): string {
  const out: string[] = [];
  const pkg = report.package;
  out.push(`${pkg.name}@${pkg.version} (${pkg.ecosystem})  sha256 ${pkg.archive.sha256.slice(0, 16)}…  ${pkg.archive.sizeBytes} bytes`);
  out.push(`report ${report.id}  ${report.createdAt}  image ${report.sandbox.image} (${report.sandbox.imageId.slice(7, 19)})`);
  out.push('');
  out.push('Phases');
  for (const p of report.phases) {
    const extra = [
      p.exitCode !== null ? `exit ${p.exitCode}` : null,
      p.lingeringProcesses ? `${p.lingeringProcesses} lingering process(es) killed` : null,
      p.error ?? null,
    ].filter(Boolean);
    out.push(`  ${p.name.padEnd(8)} ${p.status.padEnd(10)} ${(p.durationMs / 1000).toFixed(1)} s of ${p.timeoutMs / 1000} s  ${extra.join('; ')}`);
  }
  out.push('');
  section(out, 'Processes started by the package', report.processes, (p) => processLine(p));
  const writes = report.fileWrites.filter((w) => w.result === 'ok');
  section(out, `Files written, created or changed (${report.fileWrites.length - writes.length} failed attempts in --json)`, writes, (w) => `  [${w.phase}] ${w.operation} ${w.path}`);
  // Netlink is the C library asking the kernel about interfaces, not traffic; it stays in --json.
  const connections = report.connections.filter((c) => c.family !== 'AF_NETLINK');
  section(out, 'Network attempts', connections, (c) => `  [${c.phase}] ${c.syscall} ${c.family} ${c.address ?? '?'}${c.port !== null ? `:${c.port}` : ''}  (${c.result})`);
  const net = report.network;
  section(out, 'DNS queries (fake internet)', net.dns, (d) => `  ${d.qtype} ${d.qname}${d.server.address ? `  via ${d.server.address}` : ''}  -> ${d.answers.join(', ') || 'no records'}`);
  section(out, 'TCP connections (fake internet)', net.tcp, (c) => `  ${destination(c.destination)} ${c.protocol}${describeTcp(c)}  ${c.bytes} bytes`);
  section(out, 'UDP datagrams (fake internet)', net.udp, (u) => `  ${destination(u.destination)}  ${u.bytes} bytes`);
  section(out, 'Refused by the kernel (EACCES/EPERM)', report.denied, (d) => `  [${d.phase}] ${d.syscall} ${d.target}  (${d.result})`);
  section(out, 'Filesystem changes (docker diff)', report.fsDiff.filter((c) => c.kind !== 'modified'), (c) => `  ${c.kind === 'added' ? '+' : '-'} ${c.path}`);
  const t = report.timings;
  out.push(`Timings: start ${t.containerStartMs} ms, ${Object.entries(t.phasesMs).map(([k, v]) => `${k} ${v} ms`).join(', ')}, collect ${t.collectMs} ms, teardown ${t.teardownMs} ms, total ${t.totalMs} ms`);
  return out.join('\n');
}

function destination(d: Destination): string {
  return `${d.hostname ?? d.address ?? '?'}${d.hostname && d.address ? ` (${d.address})` : ''}:${d.port ?? '?'}`;
}

function describeTcp(c: TcpRecord): string {
  if (c.http) return ` ${c.http.method} ${c.http.host ?? ''}${c.http.target}${c.http.bodyBytes ? ` body ${c.http.bodyBytes} bytes` : ''}`;
  if (c.tls) return ` SNI ${c.tls.sni ?? '-'}${c.tls.alpn.length ? ` ALPN ${c.tls.alpn.join(',')}` : ''}`;
  return '';
}

function processLine(p: ProcessExec): string {
  const who = p.attribution ? ` <- ${p.attribution.packageName} ${p.attribution.event}` : '';
  return `  [${p.phase}] pid ${p.pid}${p.ppid !== null ? ` (parent ${p.ppid})` : ''} ${p.argv.join(' ').slice(0, 160)}${who}`;
}

function section<T>(out: string[], title: string, items: T[], line: (item: T) => string): void {
  out.push(`${title}: ${items.length}`);
  for (const item of items.slice(0, LIST_LIMIT)) out.push(line(item));
  if (items.length > LIST_LIMIT) out.push(`  … ${items.length - LIST_LIMIT} more (see --json)`);
  out.push('');
}

/**
 * One analysis as a page a person reads in a browser: the verdict and its reasons, each reason linked to the
 * entries of the report that are its evidence; the process tree per phase; the network (DNS, TCP with the
 * decrypted HTTP request, TLS, UDP); files written; credentials accessed and leaked; what was not observed.
 * Self-contained (inline CSS, no script, no external asset), every value escaped: a report is written by the
 * package under analysis, so its strings are hostile.
 */
import { PHASES, type SandboxReport } from '@airlock/core';
import { renderProcessTree } from './render-process-tree.js';

/** Entries shown per list; entries that are evidence of a reason are always shown, so every link lands. */
const HTML_LIST_LIMIT = 200;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
const anchor = (section: string, index: number): string => `ev-${section.replace(/[^A-Za-z0-9]/g, '-')}-${index}`;

const COLOURS = { malicious: '#b00020', inconclusive: '#8a5a00', suspicious: '#9a6700', benign: '#1a7f37' } as const;

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#1f2328}
h1{font-size:1.4em;margin-bottom:.2em}h2{font-size:1.1em;border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:1.6em}
.verdict{display:inline-block;color:#fff;padding:.2em .7em;border-radius:4px;font-weight:600;text-transform:uppercase}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border:1px solid #d0d7de;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f6f8fa}code,pre{font:12px ui-monospace,monospace}pre{background:#f6f8fa;padding:.6em;overflow-x:auto}
tr:target{background:#fff8c5}.muted{color:#59636e}.blind{color:#8a5a00;font-weight:600}
.accepted{background:#ddf4ff;padding:.4em .6em;border-radius:4px}`;

interface Column<T> {
  title: string;
  cell: (item: T) => string;
}

function table<T>(section: string, title: string, items: readonly T[], columns: Column<T>[], evidence: ReadonlySet<string>): string {
  const shown = items
    .map((item, index) => ({ item, index }))
    .filter(({ index }) => index < HTML_LIST_LIMIT || evidence.has(anchor(section, index)));
  const left = items.length - shown.length;
  const head = `<tr><th>#</th>${columns.map((c) => `<th>${esc(c.title)}</th>`).join('')}</tr>`;
  const rows = shown
    .map(
      ({ item, index }) =>
        `<tr id="${anchor(section, index)}"><td>${index}</td>${columns.map((c) => `<td>${c.cell(item)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<h2>${esc(title)} (${items.length})</h2>${items.length === 0 ? '<p class="muted">None.</p>' : `<table>${head}${rows}</table>`}${
    left > 0 ? `<p class="muted">${left} more in the JSON report.</p>` : ''
  }`;
}

const code = (value: unknown): string => `<code>${esc(value)}</code>`;

/** What the reading organization sees (the service's page): its accepted false positive changes the verdict shown, never the evidence. */
export interface HtmlReportView {
  acceptedFalsePositive?: { id: string; reason: string; at: string; by: { keyName: string } } | null;
}

export function renderReportHtml(report: SandboxReport, view: HtmlReportView = {}): string {
  const pkg = report.package;
  const v = report.verdict;
  const accepted = v && view.acceptedFalsePositive ? view.acceptedFalsePositive : null;
  const shown = accepted ? 'benign' : v?.verdict;
  const evidence = new Set((v?.reasons ?? []).flatMap((r) => r.evidence.map((e) => anchor(e.section, e.index))));
  const link = (e: { section: string; index: number; detail?: string; path?: string; destination?: string }) =>
    `<a href="#${anchor(e.section, e.index)}">${esc(e.section)} #${e.index}</a>${(e.detail ?? e.path ?? e.destination) ? ` ${code(e.detail ?? e.path ?? e.destination)}` : ''}`;
  const reasons = (v?.reasons ?? [])
    .map(
      (r) =>
        `<li><strong>${esc(r.rule)}</strong> <span class="muted">[${esc(r.tactic)}, ${r.conclusive ? 'conclusive' : `+${r.weight}`}]</span>: ${esc(r.explanation)}${
          r.evidence.length ? `<br><span class="muted">evidence:</span> ${r.evidence.map(link).join(', ')}` : ''
        }</li>`,
    )
    .join('');
  const blind = (v?.notObserved ?? [])
    .map(
      (n) =>
        `<li class="${n.hidesBehaviour ? 'blind' : 'muted'}">${n.hidesBehaviour ? 'Not observed' : 'Not decisive'}: ${esc(n.message)}</li>`,
    )
    .join('');
  const colour = shown ? COLOURS[shown] : '#59636e';
  const trees = PHASES.map((phase) => report.processTree[phase])
    .map((tree, i) => (tree ? `<h3>${esc(PHASES[i])}</h3><pre>${esc(renderProcessTree(PHASES[i]!, tree).join('\n'))}</pre>` : ''))
    .join('');
  const net = report.network;
  const honey = report.honeytokens;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Airlock: ${esc(pkg.name)}@${esc(pkg.version)}</title><style>${CSS}</style></head><body>
<h1>${esc(pkg.name)}@${esc(pkg.version)} <span class="muted">(${esc(pkg.ecosystem)})</span></h1>
<p class="muted">report ${esc(report.id)} · ${esc(report.createdAt)} · sha256 ${code(pkg.archive.sha256)} · ${esc(report.sandbox.runtime)}, recorded by ${esc(report.sandbox.tracer)}</p>
<p><span class="verdict" style="background:${colour}">${esc(shown ?? 'not scored')}</span> score ${esc(v?.score ?? '-')}/100</p>
${
  accepted
    ? `<p class="accepted">Accepted as a false positive by your organization (${esc(accepted.id)}, key ${esc(accepted.by.keyName)}, ${esc(accepted.at)}): ${esc(accepted.reason)}. The run's verdict was <strong>${esc(v?.verdict)}</strong>; its reasons are below.</p>`
    : ''
}
${v?.verdict === 'inconclusive' ? '<p class="blind">The run could not see everything and proved nothing malicious: not a clean result.</p>' : ''}
<h2>Why</h2>${reasons ? `<ol>${reasons}</ol>` : '<p class="muted">No rule fired.</p>'}
${blind ? `<h2>What was not observed</h2><ul>${blind}</ul>` : ''}
${(report.views ?? []).length > 1 ? `<p class="muted">Runs: ${report.views.map((r) => `${esc(r.view)} ${esc(r.verdict)}${r.chosen ? ' (this report)' : ''}`).join('; ')}</p>` : ''}
${table(
  'phases',
  'Phases',
  report.phases,
  [
    { title: 'phase', cell: (p) => esc(p.name) },
    { title: 'status', cell: (p) => esc(p.status) },
    { title: 'time', cell: (p) => `${(p.durationMs / 1000).toFixed(1)} s of ${p.timeoutMs / 1000} s` },
    { title: 'exit', cell: (p) => esc(p.exitCode ?? '') },
  ],
  evidence,
)}
<h2>Process trees</h2>${trees || '<p class="muted">None recorded.</p>'}
${table(
  'processes',
  'Programs started',
  report.processes,
  [
    { title: 'phase', cell: (p) => esc(p.phase) },
    { title: 'pid', cell: (p) => esc(p.pid) },
    { title: 'command', cell: (p) => code(p.argv.join(' ')) },
  ],
  evidence,
)}
${table(
  'network.dns',
  'DNS queries',
  net.dns,
  [
    { title: 'query', cell: (d) => code(`${d.qtype} ${d.qname}`) },
    { title: 'answer', cell: (d) => esc(d.answers.join(', ')) },
  ],
  evidence,
)}
${table(
  'network.tcp',
  'TCP connections (TLS decrypted by the fake internet)',
  net.tcp,
  [
    { title: 'destination', cell: (c) => code(`${c.destination.hostname ?? c.destination.address ?? '?'}:${c.destination.port ?? '?'}`) },
    {
      title: 'protocol',
      cell: (c) => esc(`${c.protocol}${c.tls ? ` TLS SNI ${c.tls.sni ?? '-'}${c.tls.intercepted ? ' (decrypted)' : ''}` : ''}`),
    },
    { title: 'request', cell: (c) => (c.http ? code(`${c.http.method} ${c.http.host ?? ''}${c.http.target}`) : '') },
    { title: 'bytes', cell: (c) => esc(c.bytes) },
  ],
  evidence,
)}
${table(
  'network.udp',
  'UDP datagrams',
  net.udp,
  [
    { title: 'destination', cell: (u) => code(`${u.destination.hostname ?? u.destination.address ?? '?'}:${u.destination.port ?? '?'}`) },
    { title: 'bytes', cell: (u) => esc(u.bytes) },
  ],
  evidence,
)}
${table(
  'honeytokens.exfiltrated',
  'Planted credentials leaked',
  honey.exfiltrated,
  [
    { title: 'credential', cell: (h) => esc(h.tokenId) },
    { title: 'how', cell: (h) => esc(`${h.channel}, ${h.encoding}`) },
    { title: 'to', cell: (h) => code(h.destination) },
  ],
  evidence,
)}
${table(
  'honeytokens.accessed',
  'Planted credential files accessed',
  honey.accessed,
  [
    { title: 'phase', cell: (a) => esc(a.phase) },
    { title: 'file', cell: (a) => code(a.path) },
    { title: 'by', cell: (a) => esc(a.program ?? `pid ${a.pid}`) },
  ],
  evidence,
)}
${table(
  'sensitiveFiles',
  'Sensitive files accessed',
  report.sensitiveFiles,
  [
    { title: 'phase', cell: (a) => esc(a.phase) },
    { title: 'what', cell: (a) => esc(`${a.rule}: ${a.access}`) },
    { title: 'file', cell: (a) => code(a.path) },
  ],
  evidence,
)}
${table(
  'fileWrites',
  'Files written',
  report.fileWrites,
  [
    { title: 'phase', cell: (w) => esc(w.phase) },
    { title: 'operation', cell: (w) => esc(`${w.operation} (${w.result})`) },
    { title: 'file', cell: (w) => code(w.path) },
  ],
  evidence,
)}
${table(
  'staticSignals',
  'Static signals (evidence, not a verdict)',
  report.staticSignals,
  [
    { title: 'signal', cell: (s) => esc(`${s.severity} ${s.id}`) },
    { title: 'message', cell: (s) => esc(s.message) },
  ],
  evidence,
)}
${table(
  'tampering',
  "Acts against the sandbox's evidence",
  report.tampering ?? [],
  [
    { title: 'kind', cell: (t) => esc(t.kind) },
    { title: 'detail', cell: (t) => esc(t.detail) },
  ],
  evidence,
)}
${table(
  'denied',
  'Refused by the kernel',
  report.denied,
  [
    { title: 'call', cell: (d) => code(`${d.syscall} ${d.target}`) },
    { title: 'result', cell: (d) => esc(d.result) },
  ],
  evidence,
)}
${table(
  'evidenceGaps',
  'Evidence gaps',
  report.evidenceGaps ?? [],
  [
    { title: 'kind', cell: (g) => esc(`${g.source} ${g.kind}`) },
    { title: 'dropped', cell: (g) => esc(g.dropped ?? '') },
  ],
  evidence,
)}
${table(
  'fsDiff',
  'Filesystem changes',
  report.fsDiff,
  [
    { title: 'change', cell: (c) => esc(c.kind) },
    { title: 'path', cell: (c) => code(c.path) },
  ],
  evidence,
)}
</body></html>
`;
}

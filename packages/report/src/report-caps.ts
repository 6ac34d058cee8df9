/**
 * Caps applied when the report is assembled: the fake internet's lists, the `docker diff`, a phase's
 * process tree, and the total: a report over its serialised size has its largest lists shrunk until it fits.
 */
import type { EvidenceGap, NetworkActivity, PhaseProcessTree, ReportFsChange, SandboxReport } from '@airlock/core';
import { CAPS, type ListCap, capGap, utf8Length } from './caps.js';

/** The first `max` nodes (in start order); children and roots that point past the cut are dropped. */
export function capProcessTree(tree: PhaseProcessTree, max: number): { tree: PhaseProcessTree; dropped: number } {
  if (tree.nodes.length <= max) return { tree, dropped: 0 };
  const nodes = tree.nodes.slice(0, max).map((node) => {
    // A parent starts before its child, so it is kept whenever the child is; a node whose parent was cut becomes a root.
    const parent = node.parent !== null && node.parent < max ? node.parent : null;
    return { ...node, parent, children: node.children.filter((id) => id < max) };
  });
  const roots = nodes.filter((n) => n.parent === null).map((n) => n.id);
  return { tree: { roots, nodes, hiddenProcesses: tree.hiddenProcesses }, dropped: tree.nodes.length - max };
}

/** The fake internet's records, each kind capped (first ones kept: they are in time order). */
export function capNetwork(network: NetworkActivity): { network: NetworkActivity; gaps: EvidenceGap[] } {
  const gaps: EvidenceGap[] = [];
  const cap = <T>(kind: 'dns' | 'tcp' | 'udp', list: T[]): T[] => {
    const { kept, dropped } = keepFirst(list, CAPS.network, (r) => JSON.stringify(r).length);
    // Lookups, connections and datagrams are egress: what was dropped could be the exfiltration.
    if (dropped) gaps.push(capGap(`network-${kind}`, null, dropped, CAPS.network, true, `network.${kind} records`));
    return kept;
  };
  return { network: { dns: cap('dns', network.dns), tcp: cap('tcp', network.tcp), udp: cap('udp', network.udp) }, gaps };
}

/**
 * The `docker diff`, capped: files added are dropped first (an install adds thousands, and the scorer reads
 * only deletions from the diff), so the gap hides behaviour only when deletions or modifications were cut.
 */
export function capFsDiff(changes: ReportFsChange[]): { fsDiff: ReportFsChange[]; gaps: EvidenceGap[] } {
  const sizeOf = (c: ReportFsChange) => c.path.length + c.normalizedPath.length + 60;
  let chars = 0;
  for (const c of changes) chars += sizeOf(c);
  if (changes.length <= CAPS.fsDiff.items && chars <= CAPS.fsDiff.chars) return { fsDiff: changes, gaps: [] };
  const important = changes.filter((c) => c.kind !== 'added');
  const keptImportant = keepFirst(important, CAPS.fsDiff, sizeOf).kept;
  let room = CAPS.fsDiff.items - keptImportant.length;
  let roomChars = CAPS.fsDiff.chars - keptImportant.reduce((n, c) => n + sizeOf(c), 0);
  const kept = new Set<ReportFsChange>(keptImportant);
  for (const c of changes) {
    if (c.kind !== 'added' || room <= 0 || roomChars < sizeOf(c)) continue;
    kept.add(c);
    room--;
    roomChars -= sizeOf(c);
  }
  const fsDiff = changes.filter((c) => kept.has(c));
  const droppedImportant = important.length - keptImportant.length;
  const droppedAdded = changes.length - fsDiff.length - droppedImportant;
  const gaps: EvidenceGap[] = [];
  if (droppedAdded) gaps.push(capGap('fs-diff', null, droppedAdded, CAPS.fsDiff, false, 'added files of the fsDiff'));
  if (droppedImportant) {
    gaps.push({
      ...capGap('fs-diff', null, droppedImportant, CAPS.fsDiff, true, 'deleted or modified files of the fsDiff'),
      kind: 'report.fs-diff-changes-capped',
    });
  }
  return { fsDiff, gaps };
}

function keepFirst<T>(list: T[], cap: ListCap, sizeOf: (item: T) => number): { kept: T[]; dropped: number } {
  let chars = 0;
  let n = 0;
  while (n < list.length && n < cap.items) {
    const size = sizeOf(list[n]!);
    if (chars + size > cap.chars) break;
    chars += size;
    n++;
  }
  return n === list.length ? { kept: list, dropped: 0 } : { kept: list.slice(0, n), dropped: list.length - n };
}

type Report = Omit<SandboxReport, 'verdict'>;

/** A list the total cap may shrink: its length, and how to keep only its first `keep` entries. */
interface Section {
  name: string;
  get: (r: Report) => unknown[];
  /** Keeps the first `keep` entries; true when what was dropped could hide behaviour. */
  shrink: (r: Report, keep: number) => boolean;
}

const list = (name: keyof Report & ('processes' | 'fileWrites' | 'sensitiveFiles' | 'connections' | 'denied')): Section => ({
  name,
  get: (r) => r[name],
  shrink: (r, keep) => {
    (r as Record<typeof name, unknown[]>)[name] = r[name].slice(0, keep);
    return true;
  },
});

const SECTIONS: Section[] = [
  list('fileWrites'),
  list('processes'),
  list('sensitiveFiles'),
  list('connections'),
  list('denied'),
  ...(['dns', 'tcp', 'udp'] as const).map((kind): Section => ({
    name: `network.${kind}`,
    get: (r) => r.network[kind],
    shrink: (r, keep) => {
      r.network = { ...r.network, [kind]: r.network[kind].slice(0, keep) };
      return true;
    },
  })),
  ...(['install', 'import'] as const).map((phase): Section => ({
    name: `processTree.${phase}`,
    get: (r) => r.processTree[phase]?.nodes ?? [],
    shrink: (r, keep) => {
      const tree = r.processTree[phase];
      if (tree) r.processTree = { ...r.processTree, [phase]: capProcessTree(tree, keep).tree };
      return true;
    },
  })),
  {
    name: 'fsDiff',
    get: (r) => r.fsDiff,
    // Added files go first, from the end; only cutting a deletion or modification can hide behaviour.
    shrink: (r, keep) => {
      let excess = r.fsDiff.length - keep;
      const out = [...r.fsDiff];
      for (let i = out.length - 1; i >= 0 && excess > 0; i--) {
        if (out[i]!.kind === 'added') {
          out.splice(i, 1);
          excess--;
        }
      }
      const hides = excess > 0;
      r.fsDiff = hides ? out.slice(0, keep) : out;
      return hides;
    },
  },
];

/**
 * Shrinks the report until its JSON is at most `maxBytes` (UTF-8): the largest list (by serialised size) is
 * cut to the share that would fit, again until it fits or nothing is left to cut. One `report.total-capped`
 * gap counts what was dropped, by list. Lists keep their first entries (time order).
 */
export function capReportSize<R extends Report>(report: R, maxBytes: number): R {
  let size = utf8Length(JSON.stringify(report));
  if (size <= maxBytes) return report;
  const r: R = { ...report, network: { ...report.network }, processTree: { ...report.processTree } };
  const dropped = new Map<string, number>();
  let hides = false;
  for (let round = 0; size > maxBytes && round < 100; round++) {
    let largest: { section: Section; n: number; bytes: number } | null = null;
    for (const section of SECTIONS) {
      const n = section.get(r).length;
      if (n === 0) continue;
      const bytes = utf8Length(JSON.stringify(section.get(r)));
      if (!largest || bytes > largest.bytes) largest = { section, n, bytes };
    }
    if (!largest) break;
    const share = Math.max(0, largest.bytes - (size - maxBytes)) / largest.bytes;
    // A little under the share (entries differ in size), and always at least one entry less.
    const keep = Math.min(largest.n - 1, Math.floor(largest.n * share * 0.95));
    hides = largest.section.shrink(r, keep) || hides;
    const cut = largest.n - largest.section.get(r).length;
    dropped.set(largest.section.name, (dropped.get(largest.section.name) ?? 0) + cut);
    size = utf8Length(JSON.stringify(r));
  }
  const total = [...dropped.values()].reduce((a, b) => a + b, 0);
  const detail = [...dropped].map(([name, n]) => `${name} ${n}`).join(', ');
  const gap: EvidenceGap = {
    source: 'report',
    kind: 'report.total-capped',
    phase: null,
    message: `the report was over ${maxBytes} bytes serialised; ${total} entries of its largest lists were dropped (${detail})${size > maxBytes ? `; it is still ${size} bytes` : ''}`,
    dropped: total,
    limit: maxBytes,
    hidesBehaviour: hides,
  };
  return { ...r, evidenceGaps: [...r.evidenceGaps, gap] };
}

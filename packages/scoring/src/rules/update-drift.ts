/**
 * The previous version of the same package as a baseline: an update that starts contacting new
 * destinations, reading credentials it never read, or running programs it never ran is how a hijacked
 * maintainer account or a compromised release shows (event-stream, ua-parser-js, the 2025 npm worms).
 * Only behaviour of package code counts; what the general baseline knows is left to the other rules.
 */
import type { SandboxReport } from '@airlock/core';
import { destinationHost } from '../baseline.js';
import { clip, programName } from '../commands.js';
import { hit, type ScoringContext } from '../context.js';
import type { EvidenceRef, RuleHit } from '../types.js';

/** What a report shows a package doing, as comparable keys. */
interface BehaviourKeys {
  hosts: Set<string>;
  sensitive: Set<string>;
  programs: Set<string>;
}

function behaviourKeys(report: SandboxReport): BehaviourKeys {
  const hosts = new Set<string>();
  for (const d of report.network.dns) hosts.add(d.qname.toLowerCase().replace(/\.$/, ''));
  for (const r of [...report.network.tcp, ...report.network.udp]) {
    const host = destinationHost(r.destination);
    if (host) hosts.add(host);
  }
  // Existence checks are left out: reports made before stat was traced have none, so every one would look new.
  const sensitive = new Set(report.sensitiveFiles.filter((s) => s.access !== 'check').map((s) => `${s.rule}:${s.access}`));
  const programs = new Set(
    report.processes.filter((p) => p.attribution !== null || report.package.ecosystem === 'pypi').map((p) => programName(p.path)),
  );
  return { hosts, sensitive, programs };
}

export function updateDrift(context: ScoringContext, previous: SandboxReport): RuleHit[] {
  const { report } = context;
  if (previous.package.name !== report.package.name || previous.package.version === report.package.version) return [];
  const before = behaviourKeys(previous);
  const since = `than ${report.package.name}@${previous.package.version}`;
  const hits: RuleHit[] = [];

  const newHosts = new Map<string, EvidenceRef>();
  report.network.dns.forEach((d, index) => {
    const host = d.qname.toLowerCase().replace(/\.$/, '');
    if (!before.hosts.has(host) && !context.knownHost({ hostname: host, address: null }) && !newHosts.has(host))
      newHosts.set(host, { section: 'network.dns', index, time: d.time, destination: host });
  });
  for (const [section, records] of [
    ['network.tcp', report.network.tcp],
    ['network.udp', report.network.udp],
  ] as const) {
    records.forEach((r, index) => {
      const host = destinationHost(r.destination);
      if (host && !before.hosts.has(host) && !context.knownHost(r.destination) && !newHosts.has(host))
        newHosts.set(host, { section, index, time: r.time, destination: host });
    });
  }
  if (newHosts.size > 0)
    hits.push(
      hit(
        'update.new-destinations',
        `Contacts ${newHosts.size} destination(s) no earlier version did (${since}): ${clip([...newHosts.keys()].join(', '), 160)}.`,
        [...newHosts.values()],
      ),
    );

  const newSensitive: EvidenceRef[] = [];
  const seen = new Set<string>();
  report.sensitiveFiles.forEach((s, index) => {
    const key = `${s.rule}:${s.access}`;
    if (s.access === 'check' || before.sensitive.has(key) || seen.has(key) || !context.isPackageCode(s.attribution)) return;
    seen.add(key);
    newSensitive.push({ section: 'sensitiveFiles', index, time: s.time, path: s.path, detail: `${s.access} (${s.rule})` });
  });
  if (newSensitive.length > 0)
    hits.push(
      hit(
        'update.new-sensitive-access',
        `Touches sensitive files no earlier version did (${since}): ${clip([...seen].join(', '), 160)}.`,
        newSensitive,
      ),
    );

  const newPrograms = new Map<string, EvidenceRef>();
  report.processes.forEach((p, index) => {
    if (!context.isPackageCode(p.attribution)) return;
    const program = programName(p.path);
    if (before.programs.has(program) || context.knownProcess(p) || newPrograms.has(program)) return;
    newPrograms.set(program, { section: 'processes', index, time: p.time, detail: clip(p.argv.join(' ')) });
  });
  if (newPrograms.size > 0)
    hits.push(
      hit('update.new-programs', `Runs programs no earlier version ran (${since}): ${clip([...newPrograms.keys()].join(', '), 160)}.`, [
        ...newPrograms.values(),
      ]),
    );
  return hits;
}

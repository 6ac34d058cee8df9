/**
 * Host-detail beacons: the run's hostname (fresh per run, so never a coincidence) or the platform
 * view's profile path carried out in DNS labels, a URL or a body to a destination no baseline knows is
 * the machine's identity being exfiltrated, as registries rule when they take such packages down
 * (dependency-confusion "research" beacons included). Benign software sends other things: telemetry
 * carries the OS name, versions and the package's own name to its own, learned host; a user agent names
 * the OS, never the machine.
 */
import type { HostDetailName } from '@airlock/core';
import { hit, type ScoringContext } from '../context.js';
import type { EvidenceRef, RuleHit } from '../types.js';

/** Values that identify this machine; the package's name or the home path alone are not (a crash report carries them). */
const IDENTIFYING: ReadonlySet<HostDetailName> = new Set(['hostname', 'platform-home']);

export function hostDetailsExfiltration(context: ScoringContext): RuleHit[] {
  const sent = context.report.hostDetails?.sent ?? [];
  const unknown = sent
    .map((s, index) => ({ s, index }))
    .filter(({ s }) => s.channel === 'dns' || !context.knownHost(destinationOf(s.destination)));
  if (!unknown.some(({ s }) => IDENTIFYING.has(s.name))) return [];
  const evidence: EvidenceRef[] = unknown.map(({ s, index }) => ({
    section: 'hostDetails.sent',
    index,
    time: s.time,
    destination: s.destination,
    detail: `${s.name} (${s.encoding}) over ${s.channel}`,
  }));
  const names = [...new Set(unknown.map(({ s }) => s.name))].join(', ');
  return [hit('host-details-exfiltration', `The machine's identity (${names}) was sent to ${evidence[0]!.destination}.`, evidence)];
}

/** `host:port` (or a bare name) as the baseline's destination shape. */
function destinationOf(text: string): { hostname: string | null; address: string | null } {
  const host = text.replace(/:\d+$/, '');
  return /^[\d.]+$/.test(host) ? { hostname: null, address: host } : { hostname: host, address: null };
}

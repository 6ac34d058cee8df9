/**
 * The machine's identity in egress: the run's hostname (fresh per run), home folders, the platform
 * view's account and the package's own name, searched in what reached the fake internet the way planted
 * credentials are (packages/honeytokens' searchEgress). A payload that beacons `os.hostname()` and its
 * own name in DNS labels to a collector is fingerprinting its victim; the scorer decides what counts.
 */
import type { HostDetailFindings, HostDetailName, NetworkActivity, SandboxReport } from '@airlock/core';
import { searchEgress } from '@airlock/honeytokens';

/** Sightings kept per run (the rule needs one). */
const MAX_SENT = 200;

export function hostDetailFindings(
  sandbox: SandboxReport['sandbox'],
  packageName: string,
  homeDir: string,
  network: NetworkActivity,
): HostDetailFindings {
  const values: { name: HostDetailName; value: string }[] = [
    { name: 'hostname', value: sandbox.hostname },
    { name: 'home', value: homeDir },
    { name: 'package', value: packageName.replace(/^@[^/]+\//, '') },
  ];
  const user = sandbox.profile.platformUser;
  if (user) {
    values.push({ name: 'platform-user', value: user });
    values.push({ name: 'platform-home', value: sandbox.profile.platform === 'darwin' ? `/Users/${user}` : `C:\\Users\\${user}` });
  }
  // The system resolving its own name (a search domain appended) is not the name being sent anywhere.
  const own = new RegExp(`^${escape(sandbox.hostname)}(?:\\.(?:localdomain|local|lan|home|domain|internal))?\\.?$`, 'i');
  const dns = network.dns.filter((q) => !own.test(q.qname));
  const sent = searchEgress(
    values.map((v) => ({ item: v, value: v.value })),
    { ...network, dns },
  )
    // A flood of beacons proves no more than the first ones: the list is bounded like the report's others.
    .slice(0, MAX_SENT)
    .map(({ item, channel, destination, encoding, time }) => ({
      name: item.name,
      channel,
      destination: channel === 'dns' ? (dns.find((q) => q.time === time)?.qname ?? destination).slice(0, 253) : destination,
      encoding,
      time,
    }));
  return { values, sent };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

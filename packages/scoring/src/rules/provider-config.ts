/**
 * A cloud SDK using the machine's own configuration: called (the call view runs a client's commands), the
 * AWS SDK reads `~/.aws/config` and `~/.aws/credentials` for its region and keys and sends signed requests to
 * AWS's endpoints (`portal.sso.<region>.amazonaws.com`), never the secret itself. A thief reads the same files
 * and sends what it read somewhere else. So a provider's credential files read by package code are the SDK's
 * business when every destination of the run is that provider's own endpoints (at least one), and no planted
 * value left (`honeytoken-exfiltration` is conclusive on its own whatever this says). Encrypted uploads to the
 * provider's storage still show as `exfiltration-like-egress`.
 */
import { destinationHost } from '../baseline.js';
import type { ScoringContext } from '../context.js';
import { isFakeAddress } from '../signatures.js';

interface Provider {
  /** The sensitive-path rule of its credential files (packages/report/src/sensitive-paths.ts). */
  files: string;
  /** Its API endpoints' domains; the instance metadata service answers inside its hosts. */
  endpoints: RegExp;
}

const PROVIDERS: readonly Provider[] = [
  { files: 'aws', endpoints: /(?:^|\.)(?:amazonaws\.com|amazonaws\.com\.cn|api\.aws)$|^169\.254\.169\.254$|^fd00:ec2::254$/ },
];

/** Every destination the run reached or looked up (hostnames where the fake internet knew them), lower case. */
function destinations(context: ScoringContext): string[] {
  const { dns, tcp, udp } = context.report.network;
  const out = dns.map((d) => d.qname.toLowerCase().replace(/\.$/, ''));
  for (const record of [...tcp, ...udp]) {
    const host = destinationHost(record.destination);
    if (host !== null && !(record.destination.hostname === null && isFakeAddress(host))) out.push(host.toLowerCase());
  }
  return out;
}

/**
 * The providers whose SDK used this machine's configuration in the run: the sensitive-path rule ids of
 * their credential files, and a test for their endpoints. Empty when anything left for elsewhere.
 */
export function providersUsingOwnConfig(context: ScoringContext): { files: Set<string>; isEndpoint: (host: string) => boolean } {
  const none = { files: new Set<string>(), isEndpoint: () => false };
  if (context.report.honeytokens.exfiltrated.length > 0) return none;
  const reached = destinations(context);
  if (reached.length === 0) return none;
  const read = new Set(
    context.report.sensitiveFiles.filter((a) => context.isPackageCode(a.attribution) && a.access !== 'check').map((a) => a.rule),
  );
  const used = PROVIDERS.filter((p) => read.has(p.files) && reached.every((host) => p.endpoints.test(host)));
  if (used.length === 0) return none;
  return { files: new Set(used.map((p) => p.files)), isEndpoint: (host) => used.some((p) => p.endpoints.test(host.toLowerCase())) };
}

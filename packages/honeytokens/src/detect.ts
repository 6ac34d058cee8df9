import type { Destination, Honeytoken, HoneytokenAccess, HoneytokenExfiltration, NetworkActivity } from '@airlock/core';
import { findNeedle, needlesFor } from './encodings.js';

/** A traced file access, as the report's sensitive-file list carries it. */
export type FileAccess = Omit<HoneytokenAccess, 'tokenId' | 'kind'>;

/**
 * Finds planted secrets in what left the package through the fake internet: DNS names (labels joined,
 * since exfiltration splits data across labels), HTTP request lines, headers and bodies, raw TCP bytes
 * and UDP datagrams. A hit is proof: the values were made for this run only.
 */
export function findExfiltration(tokens: Honeytoken[], network: NetworkActivity): HoneytokenExfiltration[] {
  return searchEgress(
    tokens.map((token) => ({ item: token, value: token.value, ownService: (host: string) => isOwnService(token.kind, host) })),
    network,
  ).map(({ item, ...sent }) => ({ tokenId: item.id, kind: item.kind, ...sent }));
}

/** One value found in egress: which channel, where to, in which encoding, when. */
export interface ValueSent<T> {
  item: T;
  channel: HoneytokenExfiltration['channel'];
  destination: string;
  encoding: HoneytokenExfiltration['encoding'];
  time: number;
}

/**
 * Where any of `values` left through the fake internet, in any encoding of needlesFor: the search of
 * findExfiltration, for other values a run knows and a payload should not send (its machine's identity).
 * `ownService(host)`: the value is used there, not sent away (an Authorization header to its own service).
 */
export function searchEgress<T>(
  values: { item: T; value: string; ownService?: (host: string) => boolean }[],
  network: NetworkActivity,
): ValueSent<T>[] {
  const searches = values.map((v) => ({ ...v, needles: needlesFor(v.value) })).filter((v) => v.needles.length > 0);
  const hits: ValueSent<T>[] = [];
  const scan = (
    haystacks: string[] | ((search: (typeof searches)[number]) => string[]),
    channel: HoneytokenExfiltration['channel'],
    destination: string,
    time: number,
  ) => {
    for (const search of searches) {
      for (const haystack of typeof haystacks === 'function' ? haystacks(search) : haystacks) {
        const needle = findNeedle(haystack, search.needles);
        if (needle) {
          hits.push({ item: search.item, channel, destination, encoding: needle.encoding, time });
          break;
        }
      }
    }
  };
  for (const query of network.dns) {
    scan([query.qname, query.qname.replace(/\./g, '')], 'dns', query.server.address ?? 'resolver', query.time);
  }
  for (const conn of network.tcp) {
    const raw = Buffer.from(conn.firstBytes, 'base64').toString('latin1');
    if (conn.http) {
      const h = conn.http;
      const host = (h.host ?? conn.destination.hostname ?? '').toLowerCase().replace(/:\d+$/, '');
      const headers = (keepAuth: boolean) =>
        h.headers
          .filter(([k]) => keepAuth || k.toLowerCase() !== 'authorization')
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n');
      // A token in the Authorization header of a request to its own service is used, not sent away
      // (youtube-dl-exec asks the GitHub API for releases with GITHUB_TOKEN); what that use does is for
      // the scoring rules (a GitHub repository created with it is self-propagation).
      scan(
        (search) => (search.ownService?.(host) ? [h.target, headers(false), h.body] : [h.target, headers(true), h.body, raw]),
        'http',
        describe(conn.destination),
        conn.time,
      );
    } else if (conn.protocol !== 'tls') scan([raw], 'tcp', describe(conn.destination), conn.time);
  }
  for (const datagram of network.udp) {
    scan([Buffer.from(datagram.data, 'base64').toString('latin1')], 'udp', describe(datagram.destination), datagram.time);
  }
  return hits;
}

/** The hosts a planted credential is meant for: its owner sends it there in the Authorization header. */
const OWN_SERVICE: Partial<Record<Honeytoken['kind'], RegExp>> = {
  'github-token': /^(?:api\.github\.com|github\.com|uploads\.github\.com|[\w-]+\.githubusercontent\.com)$/,
  'npm-token': /^registry\.(?:npmjs\.org|yarnpkg\.com)$/,
  'aws-access-key': /(?:^|\.)amazonaws\.com$/,
};

/** True when `host` is the service a credential of `kind` is made for (its use there is not a leak). */
export function isOwnService(kind: Honeytoken['kind'], host: string): boolean {
  return OWN_SERVICE[kind]?.test(host) ?? false;
}

/** Accesses (reads or writes, from the trace) of the files the secrets were planted in. */
export function findHoneytokenReads(tokens: Honeytoken[], accesses: FileAccess[]): HoneytokenAccess[] {
  const byPath = new Map<string, Honeytoken[]>();
  for (const token of tokens) for (const file of token.files) byPath.set(file, [...(byPath.get(file) ?? []), token]);
  return accesses.flatMap((access) =>
    (byPath.get(access.path) ?? []).map((token) => ({
      tokenId: token.id,
      kind: token.kind,
      path: access.path,
      phase: access.phase,
      pid: access.pid,
      time: access.time,
      operation: access.operation,
      result: access.result,
      program: access.program,
      attribution: access.attribution,
    })),
  );
}

function describe(d: Destination): string {
  return `${d.hostname ?? d.address ?? '?'}:${d.port ?? '?'}`;
}

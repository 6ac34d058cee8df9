/** Rules over what the fake internet recorded: unknown destinations, data leaving, raw shells, pools, the GitHub API. */
import type { Destination, TcpRecord } from '@airlock/core';
import { destinationHost } from '../baseline.js';
import { clip } from '../commands.js';
import { hit, type ScoringContext } from '../context.js';
import { providersUsingOwnConfig } from './provider-config.js';
import type { EvidenceRef, RuleHit } from '../types.js';
import { executedWriteCandidates } from './execution.js';

const describe = (d: Destination): string => `${destinationHost(d) ?? 'unknown'}${d.port === null ? '' : `:${d.port}`}`;

/**
 * Hosts that served a prebuilt binary: the writer of a `download-execute.own-folder` file had connected
 * to them before writing it. That rule already weighs the download, its source included.
 */
function prebuiltSources(context: ScoringContext): Set<string> {
  const hosts = new Set<string>();
  for (const { write, rule } of executedWriteCandidates(context)) {
    if (rule !== 'download-execute.own-folder' || context.knownPath(write.normalizedPath)) continue;
    for (const c of context.report.connections) {
      if (c.phase === write.phase && c.pid === write.pid && c.time <= write.time && c.port !== 53 && c.hostname)
        hosts.add(c.hostname.toLowerCase());
    }
  }
  return hosts;
}

/**
 * Any lookup or connection to a destination the baseline does not know. npm installs with --offline,
 * so the package manager needs no network: whatever is left came from package code (or a URL dependency).
 * The source of a prebuilt binary run from the package's own folder is left to that rule (one download,
 * weighed once). A host the call view passed as an argument is where the caller sent the client. A cloud
 * SDK's own provider, when the run read its configuration and went nowhere else, is where it works.
 */
export function networkEgress(context: ScoringContext): RuleHit[] {
  const { dns, tcp, udp } = context.report.network;
  const prebuilt = prebuiltSources(context);
  // A cloud SDK that read the machine's configuration for its provider, and talked only to it (provider-config.ts).
  const own = providersUsingOwnConfig(context);
  const byHost = new Map<string, EvidenceRef>();
  const note = (host: string, ref: EvidenceRef) => {
    if (!byHost.has(host)) byHost.set(host, ref);
  };
  dns.forEach((record, index) => {
    const host = record.qname.toLowerCase().replace(/\.$/, '');
    if (context.knownHost({ hostname: host, address: null }) || prebuilt.has(host) || context.isArgumentHost(host) || own.isEndpoint(host))
      return;
    note(host, { section: 'network.dns', index, time: record.time, destination: host, detail: `${record.qtype} query` });
  });
  for (const [section, records] of [
    ['network.tcp', tcp],
    ['network.udp', udp],
  ] as const) {
    records.forEach((record, index) => {
      if (context.knownHost(record.destination)) return;
      const host = destinationHost(record.destination) ?? 'unknown';
      if (prebuilt.has(host) || context.isArgumentHost(record.destination.hostname) || own.isEndpoint(host)) return;
      note(host, {
        section,
        index,
        time: record.time,
        destination: describe(record.destination),
        detail: record.kind === 'tcp' ? record.protocol : `${record.bytes} bytes`,
      });
    });
  }
  if (byHost.size === 0) return [];
  return [
    hit('network-egress', `Contacted ${byHost.size} destination(s) outside the baseline: ${clip([...byHost.keys()].join(', '), 160)}.`, [
      ...byHost.values(),
    ]),
  ];
}

/** A DNS label that carries data: long hex, base32 or base64url runs (exfiltration through lookups). */
export function isEncodedLabel(label: string): boolean {
  if (label.length >= 24 && /^[0-9a-f]+$/i.test(label)) return true;
  if (label.length >= 32 && /^[a-z2-7]+=*$/i.test(label) && /[2-7]/.test(label)) return true;
  return label.length >= 32 && /^[A-Za-z0-9_-]+$/.test(label) && /[0-9]/.test(label) && /[A-Za-z]/.test(label);
}

const SENDS_BODY = new Set(['POST', 'PUT', 'PATCH']);
const GITHUB_WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Requests that carry data out: HTTP bodies, long encoded query values, DNS names with encoded labels. */
export function exfiltrationLikeEgress(context: ScoringContext): RuleHit[] {
  const evidence: EvidenceRef[] = [];
  context.report.network.tcp.forEach((record, index) => {
    const http = record.http;
    // A host the call view named as an argument: the client went where it was told (see credentials.ts).
    if (!http || context.isArgumentHost(requestHost(record))) return;
    const query = http.target.split('?')[1] ?? '';
    const encodedQuery = query.split('&').some((pair) => (pair.split('=')[1] ?? '').length >= 64);
    if ((SENDS_BODY.has(http.method) && http.bodyBytes > 0) || encodedQuery) {
      evidence.push({
        section: 'network.tcp',
        index,
        time: record.time,
        destination: describe(record.destination),
        detail: `${http.method} ${clip(http.target, 80)} (${http.bodyBytes} body bytes)`,
      });
    }
  });
  context.report.network.dns.forEach((record, index) => {
    if (record.qname.split('.').some(isEncodedLabel) && !context.isArgumentHost(record.qname)) {
      evidence.push({
        section: 'network.dns',
        index,
        time: record.time,
        destination: clip(record.qname, 120),
        detail: `${record.qtype} query with an encoded label`,
      });
    }
  });
  if (evidence.length === 0) return [];
  return [hit('exfiltration-like-egress', `Data left in requests: ${evidence[0]!.detail} to ${evidence[0]!.destination}.`, evidence)];
}

const SHELL_PORTS = new Set([4444, 4445, 1337, 31337, 9001, 6666, 1234, 8888]);

/** A raw (not HTTP/TLS) TCP connection to a port reverse shells and C2 listeners favour. */
export function reverseShellPort(context: ScoringContext): RuleHit[] {
  const evidence: EvidenceRef[] = [];
  context.report.network.tcp.forEach((record, index) => {
    if (
      (record.protocol === 'unknown' || record.protocol === 'none') &&
      record.destination.port !== null &&
      SHELL_PORTS.has(record.destination.port)
    ) {
      evidence.push({
        section: 'network.tcp',
        index,
        time: record.time,
        destination: describe(record.destination),
        detail: `raw TCP, ${record.bytes} bytes sent`,
      });
    }
  });
  if (evidence.length === 0) return [];
  return [hit('reverse-shell.port', `Raw TCP to a reverse-shell port: ${evidence[0]!.destination}.`, evidence)];
}

const POOL_NAME = /xmr|monero|nanopool|minexmr|supportxmr|hashvault|c3pool|2miners|f2pool|(?:^|[.-])[a-z0-9-]*pool[a-z0-9-]*\./i;
const POOL_PORTS = new Set([3333, 5555, 7777, 14444, 14433, 45700]);

function isStratum(record: TcpRecord): boolean {
  const text = Buffer.from(record.firstBytes, 'base64').toString('latin1');
  return /"method"\s*:\s*"(?:login|mining\.subscribe|mining\.authorize)"/.test(text);
}

/** Mining pools by name (not NTP pools), by port, or by the stratum protocol's first message. */
export function miningPool(context: ScoringContext): RuleHit[] {
  const evidence: EvidenceRef[] = [];
  const isPoolName = (name: string | null) => name !== null && POOL_NAME.test(name) && !/ntp\.org$|\.ntp\./i.test(name);
  context.report.network.dns.forEach((record, index) => {
    if (isPoolName(record.qname))
      evidence.push({ section: 'network.dns', index, time: record.time, destination: record.qname, detail: `${record.qtype} query` });
  });
  context.report.network.tcp.forEach((record, index) => {
    const port = record.destination.port;
    if (isPoolName(record.destination.hostname) || (port !== null && POOL_PORTS.has(port)) || isStratum(record)) {
      evidence.push({
        section: 'network.tcp',
        index,
        time: record.time,
        destination: describe(record.destination),
        detail: isStratum(record) ? 'stratum login' : record.protocol,
      });
    }
  });
  if (evidence.length === 0) return [];
  return [hit('mining.pool', `Contacted a cryptocurrency mining pool: ${evidence[0]!.destination}.`, evidence)];
}

/** Calls to the GitHub API with a token: creating repos or workflows with a stolen credential (Shai-Hulud, s1ngularity). */
export function githubApiWithToken(context: ScoringContext): RuleHit[] {
  const evidence: EvidenceRef[] = [];
  context.report.network.tcp.forEach((record, index) => {
    const http = record.http;
    if (!http || requestHost(record) !== 'api.github.com') return;
    if (!http.headers.some(([name]) => name.toLowerCase() === 'authorization')) return;
    // Writes (a repository, a file, a workflow, a GraphQL mutation) and looking up whose token it is;
    // reading public release metadata with a token (to avoid rate limits) is what installers do.
    if (!GITHUB_WRITE.has(http.method) && !/^\/user(?:[/?]|$)/.test(http.target)) return;
    evidence.push({
      section: 'network.tcp',
      index,
      time: record.time,
      destination: 'api.github.com',
      detail: `${http.method} ${clip(http.target, 80)} with Authorization`,
    });
  });
  if (evidence.length === 0) return [];
  return [hit('self-propagation.github-api', `Package code called the GitHub API with a token: ${evidence[0]!.detail}.`, evidence)];
}

/**
 * Out-of-band collectors (OAST) and request catchers: where dependency-confusion probes and stealers
 * "call home with a few details about the host" (OpenSSF, in docs/anchors-papers.md: burpcollaborator,
 * pipedream, interact.sh; Shai-Hulud's webhook.site). No install needs them; never subtracted.
 */
const COLLECTOR =
  /(?:^|\.)(?:burpcollaborator\.net|oastify\.com|interact\.sh|oast\.(?:pro|live|site|online|fun|me)|pipedream\.(?:net|com)|webhook\.site|requestbin\.(?:net|com)|requestcatcher\.com|canarytokens\.com|dnslog\.cn|ceye\.io|beeceptor\.com|hookbin\.com|postb\.in)$/i;

function isCollectorHost(host: string): boolean {
  return COLLECTOR.test(host.replace(/\.$/, ''));
}

/**
 * Chat webhooks used as collectors: a Discord webhook or the Telegram bot API takes a POST from anyone with
 * the URL, which is why stealers post there. Matched on host and path (the decrypted request), since the
 * same hosts serve ordinary traffic no install makes either.
 */
function isChatWebhook(host: string, target: string): boolean {
  if (/^(?:(?:ptb|canary)\.)?discord(?:app)?\.com$/.test(host)) return /^\/api\/(?:v\d+\/)?webhooks\//.test(target);
  return host === 'api.telegram.org' && /^\/bot[^/]+\//.test(target);
}

function requestHost(record: TcpRecord): string {
  return (record.http?.host ?? record.tls?.sni ?? record.destination.hostname ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
}

/**
 * A chat API request whose bot token or webhook path is an argument the call view handed the package: a bot
 * or webhook client using the credential it was given (`Bot(token).getMe()`). A stealer posts with a bot
 * token or webhook of its own, in its code, which no caller handed it.
 */
function chatCredentialFromCaller(context: ScoringContext, target: string): boolean {
  const credential = /^\/bot([^/]+)\//.exec(target)?.[1] ?? /^\/api\/(?:v\d+\/)?webhooks\/([^?#]+)/.exec(target)?.[1];
  if (!credential) return false;
  const given = context.report.honeytokens.planted.filter((t) => t.kind === 'call-argument').map((t) => t.value);
  return given.some((value) => decodeURIComponentSafe(credential).includes(value));
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function collectorEgress(context: ScoringContext): RuleHit[] {
  const evidence: EvidenceRef[] = [];
  const seen = new Set<string>();
  context.report.network.dns.forEach((record, index) => {
    const host = record.qname.toLowerCase().replace(/\.$/, '');
    if (!isCollectorHost(host) || seen.has(host)) return;
    seen.add(host);
    evidence.push({ section: 'network.dns', index, time: record.time, destination: host, detail: `${record.qtype} query` });
  });
  context.report.network.tcp.forEach((record, index) => {
    const host = requestHost(record);
    const webhook = record.http ? isChatWebhook(host, record.http.target) && !chatCredentialFromCaller(context, record.http.target) : false;
    if ((!isCollectorHost(host) && !webhook) || seen.has(`tcp:${host}`)) return;
    seen.add(`tcp:${host}`);
    evidence.push({
      section: 'network.tcp',
      index,
      time: record.time,
      destination: describe(record.destination),
      detail: record.http ? `${record.http.method} ${clip(record.http.target, 80)}` : record.protocol,
    });
  });
  if (evidence.length === 0) return [];
  return [hit('exfiltration.collector', `Contacted an out-of-band collection service: ${evidence[0]!.destination}.`, evidence)];
}

/**
 * File-sharing and paste links as a download source: a Discord attachment, a Google Drive download, a paste's
 * raw text, an anonymous upload. Benign installers fetch from their project's release hosts (GitHub
 * releases, their own CDN, a registry); a personal upload link is where droppers stage the next stage, and
 * it is too short-lived for a published package to depend on. Matched on the decrypted request.
 */
const FILE_SHARING: { host: RegExp; path: RegExp }[] = [
  { host: /^(?:cdn\.discordapp\.com|media\.discordapp\.net|cdn\.discord\.com)$/, path: /^\/attachments\// },
  { host: /^(?:drive\.google\.com|docs\.google\.com)$/, path: /^\/(?:uc|file\/d\/[^/]+\/(?:view|download))\b/ },
  { host: /^drive\.usercontent\.google\.com$/, path: /^\/(?:u\/\d+\/)?(?:download|uc)\b/ },
  { host: /^(?:www\.)?dropbox\.com$/, path: /[?&]dl=1\b/ },
  { host: /^dl\.dropboxusercontent\.com$/, path: /^\// },
  { host: /^(?:pastebin\.com|paste\.ee|hastebin\.com|rentry\.co|rentry\.org|ghostbin\.com|paste\.c-net\.org)$/, path: /^\/(?:raw|r|dl)\// },
  {
    host: /^(?:transfer\.sh|files\.catbox\.moe|litter\.catbox\.moe|temp\.sh|bashupload\.com|file\.io|0x0\.st|tmpfiles\.org|store\d*\.gofile\.io)$/,
    path: /^\//,
  },
];

export function fileSharingDownload(context: ScoringContext): RuleHit[] {
  const evidence: EvidenceRef[] = [];
  const seen = new Set<string>();
  context.report.network.tcp.forEach((record, index) => {
    const http = record.http;
    if (!http || http.method !== 'GET') return;
    const host = requestHost(record);
    if (!FILE_SHARING.some((f) => f.host.test(host) && f.path.test(http.target)) || seen.has(host)) return;
    seen.add(host);
    evidence.push({ section: 'network.tcp', index, time: record.time, destination: host, detail: `GET ${clip(http.target, 80)}` });
  });
  if (evidence.length === 0) return [];
  return [
    hit(
      'download.file-sharing',
      `Downloaded from a file-sharing or paste link: ${evidence[0]!.destination}${evidence[0]!.detail?.slice(3) ?? ''}.`,
      evidence,
    ),
  ];
}

/** Rules about secrets: planted values leaving, credential files read by package code, environment dumps. */
import { basename, clip, isPackageManager, programName, SHELLS } from '../commands.js';
import { hit, type ScoringContext } from '../context.js';
import type { HoneytokenExfiltration } from '@airlock/core';
import type { EvidenceRef, RuleHit } from '../types.js';
import { homeRelative } from './filesystem.js';
import { processRef } from './evidence.js';
import { providersUsingOwnConfig } from './provider-config.js';

/**
 * A planted value in captured egress is proof: nothing legitimate sends this run's fresh fake token. A
 * token the call view handed to a function as an argument is proof only when it went to a host no
 * baseline knows (an API client sends the token it is given to its API), and not when the argument was
 * itself the host: a client told `connect(token)` looks the name up and connects to it (an SSH or database
 * client), where a thief carries the argument to a host of its own (in a body, a URL, a label of its domain).
 * Nor when it went to the cloud's instance metadata service: a link-local address the provider answers from
 * inside the host (a cloud SDK's `instance(key)` asks it), not a place anyone else reads. Nor when it went to
 * the service the package is named for (`serviceNamedByPackage`): an API client sends the key and the paths
 * it is given to its vendor's API (`new OpenAI(key).get(path)` to api.openai.com).
 */
export function honeytokenExfiltration(context: ScoringContext): RuleHit[] {
  const indexed = context.report.honeytokens.exfiltrated.map((leak, index) => ({ leak, index }));
  const stolen = indexed.filter(({ leak }) => {
    if (leak.kind !== 'call-argument') return true;
    const to = destinationOf(leak.destination);
    return (
      !context.knownHost(to) &&
      !isMetadataService(to) &&
      !onlyReachedAsHost(context, leak, to) &&
      !(leak.channel === 'http' && serviceNamedByPackage(context, to.hostname))
    );
  });
  const leaks = stolen.map(({ leak }) => leak);
  if (leaks.length === 0) return [];
  const evidence = stolen.map(({ leak, index }): EvidenceRef => ({
    section: 'honeytokens.exfiltrated',
    index,
    time: leak.time,
    destination: leak.destination,
    detail: `${leak.kind} via ${leak.channel} (${leak.encoding})`,
  }));
  const kinds = [...new Set(leaks.map((l) => l.kind))].join(', ');
  const destinations = [...new Set(leaks.map((l) => l.destination))].join(', ');
  return [hit('honeytoken-exfiltration', `Planted credentials (${kinds}) were sent to ${destinations}.`, evidence)];
}

/**
 * The argument went out only as the name of the host to reach: over DNS, every query that carried it at
 * that moment asked for exactly that name; over TCP or HTTP, the destination was that name.
 */
function onlyReachedAsHost(context: ScoringContext, leak: HoneytokenExfiltration, to: { hostname: string | null }): boolean {
  if (leak.channel !== 'dns') return context.isArgumentHost(to.hostname);
  const token = context.report.honeytokens.planted.find((t) => t.id === leak.tokenId)?.value.toLowerCase();
  if (!token) return false;
  const carrying = context.report.network.dns.filter((q) => Math.abs(q.time - leak.time) < 0.05 && q.qname.toLowerCase().includes(token));
  return carrying.length > 0 && carrying.every((q) => context.isArgumentHost(q.qname));
}

/**
 * The destination is the service the package is named for: the host's registered name (`openai` of
 * api.openai.com, `telegram` of api.telegram.org, `slack` of slack.com) is in the package's name or scope
 * (`openai`, `node-telegram-bot-api`, `@slack/web-api`), and the name is no typosquat. A client of a service
 * is named after it and sends that service what it is handed; a thief carries arguments to a host of its own,
 * which its name does not announce, and a typosquat named after the service it imitates stays held to the
 * rule (its static `typosquat.*` signal).
 */
function serviceNamedByPackage(context: ScoringContext, hostname: string | null): boolean {
  const label = hostname ? registeredLabel(hostname) : null;
  if (!label || label.length < 4) return false;
  if (context.report.staticSignals.some((s) => s.id.startsWith('typosquat.'))) return false;
  return context.report.package.name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .includes(label);
}

/** Second-level names under a country code (`example.co.uk`): the registered name is one label further left. */
const COUNTRY_SECOND_LEVEL = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu']);

/** The name a host was registered under, letters and digits only (`api.openai.com` -> `openai`), or null. */
function registeredLabel(hostname: string): string | null {
  const labels = hostname.toLowerCase().replace(/\.$/, '').split('.').filter(Boolean);
  if (labels.length < 2 || /^\d+$/.test(labels.at(-1)!)) return null;
  const countrySecond = labels.length >= 3 && labels.at(-1)!.length === 2 && COUNTRY_SECOND_LEVEL.has(labels.at(-2)!);
  return labels.at(countrySecond ? -3 : -2)!.replace(/[^a-z0-9]/g, '');
}

/** The instance metadata service of the clouds (AWS, GCP, Azure, OpenStack; AWS's IPv6 one; Alibaba's). */
const METADATA_SERVICE = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', 'metadata.google.internal']);

function isMetadataService(destination: { hostname: string | null; address: string | null }): boolean {
  return METADATA_SERVICE.has((destination.address ?? destination.hostname ?? '').toLowerCase());
}

/** `host:port` or `[v6]:port` as the honeytoken search writes a destination. */
function destinationOf(destination: string): { hostname: string | null; address: string | null } {
  const host = destination.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return /^[\d.]+$|:/.test(host) ? { hostname: null, address: host } : { hostname: host, address: null };
}

/** Sensitive-path rules that hold credentials; `/etc/passwd` is left out (libc reads it for every user lookup). */
const CREDENTIAL_RULES = new Set([
  'ssh',
  'npmrc',
  'aws',
  'github-cli',
  'dotenv',
  'git',
  'shell-history',
  'browser-profile',
  'crypto-wallet',
  'docker-socket',
]);

/** A tool reading its own configuration (npm its .npmrc, git its .gitconfig, ssh its keys) is not theft. */
function isToolReadingOwnConfig(
  context: ScoringContext,
  phase: string,
  pid: number,
  time: number,
  path: string,
  program: string | null,
): boolean {
  const execs = context.execsOf(phase, pid, time);
  const last = execs[execs.length - 1];
  const name = program === null ? (last ? programName(last.path) : '') : programName(program);
  const file = basename(path);
  const packageManager = last ? isPackageManager(last.argv, last.path) : ['npm', 'npx', 'yarn', 'pnpm'].includes(name);
  if (file === '.npmrc') return packageManager;
  // npm reads git's configuration itself (for git dependencies), also when a script runs `npx <tool>`.
  if (file === '.gitconfig') return name === 'git' || packageManager;
  if (file === '.git-credentials') return name === 'git';
  if (path.includes('/.ssh/')) return name === 'ssh' || name === 'git';
  return false;
}

/**
 * Configuration that config loaders read as a matter of course, though it can hold tokens: `~/.npmrc`
 * (npm-conf, rc, registry-url, registry-auth-token, get-proxy behind bin-wrapper downloads read it for
 * the registry and proxy), `~/.gitconfig` (user name and email for scaffolders and telemetry), and the
 * installing project's own `.env*` (dotenv and build tools such as nx load it). Another project's `.env`
 * in the home folder is not the package's business.
 */
function isConfigFile(path: string): boolean {
  const relative = homeRelative({ path, normalizedPath: path });
  return relative === '<HOME>/.npmrc' || relative === '<HOME>/.gitconfig' || /^<HOME>\/projects\/app\/\.env(?:\.[\w.-]+)?$/.test(relative);
}

/**
 * Package code (a lifecycle script or the import) touching credential files. When every one is
 * configuration (isConfigFile), the lighter `credential-access.config`. A cloud SDK's reads of its own
 * configuration, when it talked only to its provider, are not counted (provider-config.ts). Neither is ever
 * subtracted by the baseline; a token that leaves is `honeytoken-exfiltration`, conclusive whatever read it. Accesses without
 * attribution in the install phase are npm itself reading ~/.npmrc and ~/.gitconfig: never counted.
 */
export function credentialAccess(context: ScoringContext): RuleHit[] {
  const { report } = context;
  const evidence: EvidenceRef[] = [];
  const seen = new Set<string>();
  // A cloud SDK reading its own configuration and talking only to its provider (provider-config.ts).
  const own = providersUsingOwnConfig(context);
  const ownFiles = new Set(report.sensitiveFiles.filter((a) => own.files.has(a.rule)).map((a) => a.path));
  report.honeytokens.accessed.forEach((access, index) => {
    if (!context.isPackageCode(access.attribution) || ownFiles.has(access.path)) return;
    if (isToolReadingOwnConfig(context, access.phase, access.pid, access.time, access.path, access.program)) return;
    const key = `${access.phase}:${access.pid}:${access.path}`;
    if (seen.has(key)) return;
    seen.add(key);
    evidence.push({
      section: 'honeytokens.accessed',
      index,
      phase: access.phase,
      pid: access.pid,
      time: access.time,
      path: access.path,
      detail: `${access.kind}: ${access.operation} by ${access.attribution?.event ?? 'setup.py'}`,
    });
  });
  report.sensitiveFiles.forEach((access, index) => {
    if (!context.isPackageCode(access.attribution) || !CREDENTIAL_RULES.has(access.rule) || access.access === 'check') return;
    if (own.files.has(access.rule)) return;
    if (isToolReadingOwnConfig(context, access.phase, access.pid, access.time, access.path, access.program)) return;
    const key = `${access.phase}:${access.pid}:${access.path}`;
    if (seen.has(key)) return;
    seen.add(key);
    evidence.push({
      section: 'sensitiveFiles',
      index,
      phase: access.phase,
      pid: access.pid,
      time: access.time,
      path: access.path,
      detail: `${access.rule}: ${access.operation} (${access.result})`,
    });
  });
  if (evidence.length === 0) return [];
  const paths = [...new Set(evidence.map((e) => e.path))];
  if (paths.every((path) => isConfigFile(path ?? ''))) {
    return [
      hit(
        'credential-access.config',
        `Package code read configuration files that hold tokens too (npm's, git's, the project's .env): ${clip(paths.join(', '))}.`,
        evidence,
      ),
    ];
  }
  return [hit('credential-access', `Package code touched credential files: ${clip(paths.join(', '))}.`, evidence)];
}

/** `env`/`printenv` alone prints every variable (tokens included); a plain `env X=1 cmd` is not a dump. */
function dumpsEnvironment(program: string, argv: readonly string[]): boolean {
  const args = argv.slice(1).filter((a) => !['-0', '--null'].includes(a));
  if (program === 'env' || program === 'printenv') return args.length === 0;
  if (SHELLS.has(program)) {
    const script = argv.slice(1).find((a, i) => argv[i] === '-c') ?? '';
    return /(?:^|[;&|(]\s*)(?:env|printenv|set|export\s+-p)\s*(?:$|[;&|>)])/.test(script);
  }
  return false;
}

/**
 * procps `ps` opens every listed process's /proc/<pid>/environ whatever it prints (nodemon and other
 * process-tree helpers run a plain `ps`); it shows environments only with the BSD `e` modifier
 * (`ps eww`, `ps auxe`), which stays a dump.
 */
function isProcessListing(context: ScoringContext, phase: string, pid: number, time: number): boolean {
  const execs = context.execsOf(phase, pid, time);
  const last = execs[execs.length - 1];
  if (!last || programName(last.path) !== 'ps') return false;
  // BSD-style options come first without a dash (`ps eww`, `ps auxe`); `-o user` is a format, not one.
  const bsd = last.argv[1];
  return !(bsd !== undefined && !bsd.startsWith('-') && /^[a-zA-Z]*e[a-zA-Z]*$/.test(bsd));
}

/** Dumping the environment (where GITHUB_TOKEN, NPM_TOKEN, AWS_* live) from package code, or reading /proc/*\/environ. */
export function environmentDump(context: ScoringContext): RuleHit[] {
  const evidence: EvidenceRef[] = [];
  context.report.processes.forEach((p, index) => {
    if (!context.isPackageCode(p.attribution)) return;
    if (dumpsEnvironment(programName(p.path), p.argv)) evidence.push(processRef(p, index));
  });
  context.report.sensitiveFiles.forEach((access, index) => {
    if (access.rule !== 'process-environ' || access.access === 'check' || !context.isPackageCode(access.attribution)) return;
    if (isProcessListing(context, access.phase, access.pid, access.time)) return;
    evidence.push({
      section: 'sensitiveFiles',
      index,
      phase: access.phase,
      pid: access.pid,
      time: access.time,
      path: access.path,
      detail: access.operation,
    });
  });
  if (evidence.length === 0) return [];
  return [
    hit(
      'environment-dump',
      `Package code dumped the environment (${clip(evidence.map((e) => e.detail ?? e.path).join('; '), 120)}).`,
      evidence,
    ),
  ];
}

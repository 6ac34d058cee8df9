import { describe, expect, it } from 'vitest';
import { scoreReport } from '../src/index.js';
import type { SandboxReport } from '@airlock/core';
import { dns, emptyReport, proc, reportWith, script, sensitive, T0, tcp } from './helpers.js';

const rules = (v: ReturnType<typeof scoreReport>) => v.reasons.map((r) => r.rule);

/** A report whose call-argument token went over HTTP to `destination`. */
function callArgumentLeak(destination: string): SandboxReport {
  const report = emptyReport();
  report.honeytokens.exfiltrated.push({
    tokenId: 'c1',
    kind: 'call-argument',
    channel: 'http',
    destination,
    encoding: 'raw',
    time: T0 + 5,
  });
  return report;
}

describe('honeytoken-exfiltration', () => {
  it('counts a call argument (the call view handed it to a function) only when it went to a host no baseline knows', () => {
    const baseline = { writtenPaths: [], programs: [], hosts: ['api.github.com'] };
    expect(scoreReport(callArgumentLeak('keys.stealer.test:443'), { baseline }).verdict).toBe('malicious');
    // An API client sends the token it was given to its API.
    expect(rules(scoreReport(callArgumentLeak('api.github.com:443'), { baseline }))).not.toContain('honeytoken-exfiltration');
    // A cloud SDK asks the instance metadata service for the key it was given: no one else reads that address.
    expect(rules(scoreReport(callArgumentLeak('169.254.169.254:80'), { baseline }))).not.toContain('honeytoken-exfiltration');
    expect(rules(scoreReport(callArgumentLeak('metadata.google.internal:80'), { baseline }))).not.toContain('honeytoken-exfiltration');
  });

  it('does not count a call argument sent to the service the package is named for, unless the name is a typosquat', () => {
    const leak = (name: string, destination: string, signals: string[] = []) => {
      const report = callArgumentLeak(destination);
      report.package.name = name;
      report.staticSignals = signals.map((id) => ({ id, severity: 'medium', message: id, evidence: {} }));
      return rules(scoreReport(report));
    };
    // An API client sends the key and paths it is handed to its vendor (api.openai.com, slack.com, api.telegram.org, x.co.uk).
    expect(leak('openai', 'api.openai.com:443')).not.toContain('honeytoken-exfiltration');
    expect(leak('@slack/web-api', 'slack.com:443')).not.toContain('honeytoken-exfiltration');
    expect(leak('python-telegram-bot', 'api.telegram.org:443')).not.toContain('honeytoken-exfiltration');
    expect(leak('royalmail-client', 'api.royalmail.co.uk:443')).not.toContain('honeytoken-exfiltration');
    // Another host, an address, a name that only shares a subdomain, a short name, or a typosquat of the vendor's client.
    expect(leak('openai', 'keys.stealer.test:443')).toContain('honeytoken-exfiltration');
    expect(leak('openai', '203.0.113.9:443')).toContain('honeytoken-exfiltration');
    expect(leak('storage-utils', 'storage.stealer.test:443')).toContain('honeytoken-exfiltration');
    expect(leak('abc-client', 'abc.io:443')).toContain('honeytoken-exfiltration');
    expect(leak('opeanai', 'api.opeanai.com:443', ['typosquat.edit-distance'])).toContain('honeytoken-exfiltration');
  });

  it('does not count a call argument that was itself the host to reach, and does when it rode in a name of another host', () => {
    const token = 'ghp_doCgdSmVBFabvzaSh3vbsO9oVrxQEsZetd63';
    const lookup = (qname: string) => {
      const report = emptyReport();
      report.honeytokens.planted.push({ id: 'c1', kind: 'call-argument', value: token, files: [], envVars: [] });
      report.network.dns.push({
        kind: 'dns',
        time: T0 + 5,
        transport: 'udp',
        clientPort: 40000,
        server: { address: '10.255.255.53', port: 53, hostname: null },
        qname,
        qtype: 'A',
        answers: ['198.18.0.1'],
      });
      report.honeytokens.exfiltrated.push({
        tokenId: 'c1',
        kind: 'call-argument',
        channel: 'dns',
        destination: '10.255.255.53:53',
        encoding: 'raw',
        time: T0 + 5,
      });
      return report;
    };
    // An SSH or database client told connect(token) looks the name up: no theft, no unknown host, no encoded label.
    const asHost = scoreReport(lookup(token));
    expect(rules(asHost)).toEqual([]);
    expect(asHost.verdict).toBe('benign');
    // The same argument as a label of the package's own domain is carried out.
    const carried = scoreReport(lookup(`${token.toLowerCase()}.keys.stealer.test`));
    expect(carried.verdict).toBe('malicious');
    expect(rules(carried)).toEqual(expect.arrayContaining(['honeytoken-exfiltration', 'exfiltration-like-egress', 'network-egress']));
  });

  it('is conclusive when a planted value left, pointing at the leak', () => {
    const report = emptyReport();
    report.honeytokens.exfiltrated.push({
      tokenId: 't1',
      kind: 'npm-token',
      channel: 'http',
      destination: 'evil.test:80',
      encoding: 'base64',
      time: T0 + 5,
    });
    const v = scoreReport(report);
    expect(v.verdict).toBe('malicious');
    expect(v.score).toBe(100);
    expect(v.reasons[0]).toMatchObject({ rule: 'honeytoken-exfiltration', conclusive: true, tactic: 'exfiltration', severity: 'critical' });
    expect(v.reasons[0]!.evidence).toEqual([
      { section: 'honeytokens.exfiltrated', index: 0, time: T0 + 5, destination: 'evil.test:80', detail: 'npm-token via http (base64)' },
    ]);
  });

  it('does not fire on an empty list', () => {
    expect(scoreReport(emptyReport())).toEqual({ verdict: 'benign', score: 0, reasons: [], notObserved: [] });
  });
});

describe('credential-access', () => {
  it('fires on a package script reading the SSH key and the AWS credentials', () => {
    const v = scoreReport(
      reportWith({
        sensitiveFiles: [sensitive('ssh', '/home/jordan/.ssh/id_rsa'), sensitive('aws', '/home/jordan/.aws/credentials', { pid: 101 })],
      }),
    );
    expect(v.verdict).toBe('suspicious');
    expect(v.score).toBe(45);
    expect(v.reasons[0]).toMatchObject({ rule: 'credential-access', weight: 45, tactic: 'credential-access' });
    expect(v.reasons[0]!.evidence.map((e) => [e.section, e.index, e.path])).toEqual([
      ['sensitiveFiles', 0, '/home/jordan/.ssh/id_rsa'],
      ['sensitiveFiles', 1, '/home/jordan/.aws/credentials'],
    ]);
  });

  it('does not count an existence check (stat, access) as reading the credentials', () => {
    const v = scoreReport(
      reportWith({ sensitiveFiles: [sensitive('ssh', '/home/jordan/.ssh/id_rsa', { access: 'check', operation: 'stat' })] }),
    );
    expect(v.reasons).toEqual([]);
  });

  it('counts honeytoken accesses by package code once per process and file', () => {
    const report = emptyReport();
    report.honeytokens.accessed.push({
      tokenId: 't',
      kind: 'aws-secret-key',
      path: '/home/jordan/.aws/credentials',
      phase: 'import',
      pid: 7,
      time: T0,
      operation: 'read',
      result: 'ok',
      program: '/usr/bin/node',
      attribution: script('import', null),
    });
    report.sensitiveFiles.push(
      sensitive('aws', '/home/jordan/.aws/credentials', { phase: 'import', pid: 7, attribution: script('import', null) }),
    );
    const v = scoreReport(report);
    expect(rules(v)).toEqual(['credential-access']);
    expect(v.reasons[0]!.evidence).toHaveLength(1);
    expect(v.reasons[0]!.evidence[0]).toMatchObject({ section: 'honeytokens.accessed', index: 0, pid: 7 });
  });

  it("weighs reads of configuration alone (~/.npmrc, ~/.gitconfig, the project's .env) lighter", () => {
    const npmrc = scoreReport(reportWith({ sensitiveFiles: [sensitive('npmrc', '/home/jordan/.npmrc')] }));
    expect(npmrc.reasons.map((r) => [r.rule, r.weight, r.tactic])).toEqual([['credential-access.config', 20, 'credential-access']]);
    // Alone it stays below suspicious: config loaders read these as a matter of course.
    expect(npmrc.verdict).toBe('benign');
    const config = scoreReport(
      reportWith({
        sensitiveFiles: [
          sensitive('git', '/home/jordan/.gitconfig'),
          sensitive('dotenv', '/home/jordan/projects/app/.env', { pid: 101 }),
          sensitive('dotenv', '/home/jordan/projects/app/.env.local', { pid: 101, result: 'ENOENT' }),
        ],
      }),
    );
    expect(config.reasons.map((r) => [r.rule, r.weight])).toEqual([['credential-access.config', 20]]);
    // Another project's .env in the home folder, or stored git credentials, are not the package's configuration.
    expect(
      scoreReport(reportWith({ sensitiveFiles: [sensitive('dotenv', '/home/jordan/projects/billing/.env')] })).reasons.map((r) => r.rule),
    ).toEqual(['credential-access']);
    expect(
      scoreReport(reportWith({ sensitiveFiles: [sensitive('git', '/home/jordan/.git-credentials')] })).reasons.map((r) => r.rule),
    ).toEqual(['credential-access']);
    expect(npmrc.reasons[0]!.evidence[0]).toMatchObject({ section: 'sensitiveFiles', path: '/home/jordan/.npmrc' });
    const withKey = scoreReport(
      reportWith({
        sensitiveFiles: [sensitive('npmrc', '/home/jordan/.npmrc'), sensitive('ssh', '/home/jordan/.ssh/id_rsa', { pid: 101 })],
      }),
    );
    expect(withKey.reasons.map((r) => [r.rule, r.weight])).toEqual([['credential-access', 45]]);
    expect(withKey.reasons[0]!.evidence).toHaveLength(2);
  });

  it('ignores npm itself reading ~/.npmrc and ~/.gitconfig (no attribution in install)', () => {
    const v = scoreReport(
      reportWith({
        sensitiveFiles: [
          sensitive('npmrc', '/home/jordan/.npmrc', { attribution: null }),
          sensitive('git', '/home/jordan/.gitconfig', { attribution: null }),
        ],
      }),
    );
    expect(v.verdict).toBe('benign');
    expect(v.reasons).toEqual([]);
  });

  it('counts unattributed reads in a PyPI install: pip sets no lifecycle variables, setup.py is the only package code', () => {
    const report = reportWith({
      sensitiveFiles: [sensitive('ssh', '/home/jordan/.ssh/id_rsa', { attribution: null, program: '/usr/bin/python3.11' })],
    });
    report.package = { ...report.package, ecosystem: 'pypi' };
    const v = scoreReport(report);
    expect(rules(v)).toEqual(['credential-access']);
    expect(v.reasons[0]!.evidence[0]).toMatchObject({ section: 'sensitiveFiles', index: 0, detail: 'ssh: read (ok)' });
  });

  it('ignores npm run by a script reading its own .npmrc, git reading .gitconfig, and /etc/passwd lookups', () => {
    const npm = proc(['node', '/usr/lib/node_modules/npm/bin/npm-cli.js', 'run', 'build'], { pid: 300, path: '/usr/local/bin/node' });
    const git = proc(['git', 'rev-parse', 'HEAD'], { pid: 301 });
    const v = scoreReport(
      reportWith({
        processes: [npm, git],
        sensitiveFiles: [
          sensitive('npmrc', '/home/jordan/.npmrc', { pid: 300, time: npm.time }),
          sensitive('git', '/home/jordan/.gitconfig', { pid: 301, program: '/usr/bin/git', time: git.time }),
          sensitive('system-accounts', '/etc/passwd'),
        ],
      }),
    );
    expect(v.reasons).toEqual([]);
  });

  it("ignores npx run by a preinstall reading git's .gitconfig (npm reads it for git dependencies), not its .git-credentials", () => {
    const npx = proc(['node', '/usr/local/bin/npx', 'npm-force-resolutions'], { pid: 33, path: '/usr/local/bin/node' });
    const read = (path: string) => sensitive('git', path, { pid: 33, time: npx.time });
    expect(scoreReport(reportWith({ processes: [npx], sensitiveFiles: [read('/home/jordan/.gitconfig')] })).reasons).toEqual([]);
    const credentials = scoreReport(reportWith({ processes: [npx], sensitiveFiles: [read('/home/jordan/.git-credentials')] }));
    expect(credentials.reasons.map((r) => r.rule)).toEqual(['credential-access']);
  });
});

describe('environment-dump', () => {
  it('fires on printenv from a script and /proc/<pid>/environ reads', () => {
    const v = scoreReport(
      reportWith({
        processes: [proc(['printenv'])],
        sensitiveFiles: [sensitive('process-environ', '/proc/1/environ')],
      }),
    );
    expect(rules(v)).toEqual(['environment-dump']);
    expect(v.score).toBe(35);
    expect(v.reasons[0]!.evidence.map((e) => e.section)).toEqual(['processes', 'sensitiveFiles']);
  });

  it('fires on `env | base64` inside sh -c', () => {
    const v = scoreReport(
      reportWith({ processes: [proc(['sh', '-c', 'env | base64'], { attribution: script('postinstall', 'node x.js') })] }),
    );
    expect(rules(v)).toContain('environment-dump');
  });

  it('does not count procps `ps` reading /proc/*/environ while listing processes, but does for `ps eww`', () => {
    const listing = proc(['ps'], { pid: 300, phase: 'import', attribution: script('import', null) });
    const reads = (pid: number) =>
      [1, 7, 47].map((n) =>
        sensitive('process-environ', `/proc/${n}/environ`, {
          pid,
          phase: 'import',
          program: '/usr/bin/ps',
          attribution: script('import', null),
        }),
      );
    expect(scoreReport(reportWith({ processes: [listing], sensitiveFiles: reads(300) })).reasons).toEqual([]);
    const formatted = proc(['ps', '-o', 'user,pid'], { pid: 303, phase: 'import', attribution: script('import', null) });
    expect(scoreReport(reportWith({ processes: [formatted], sensitiveFiles: reads(303) })).reasons).toEqual([]);
    const dump = proc(['ps', 'eww', '-o', 'command'], { pid: 301, phase: 'import', attribution: script('import', null) });
    expect(rules(scoreReport(reportWith({ processes: [dump], sensitiveFiles: reads(301) })))).toEqual(['environment-dump']);
    const node = proc(['node', 'x.js'], { pid: 302, phase: 'import', attribution: script('import', null) });
    expect(rules(scoreReport(reportWith({ processes: [node], sensitiveFiles: reads(302) })))).toEqual(['environment-dump']);
  });

  it('does not fire on `env NODE_ENV=production node build.js`', () => {
    const v = scoreReport(reportWith({ processes: [proc(['env', 'NODE_ENV=production', 'node', 'build.js'])] }));
    expect(v.reasons).toEqual([]);
  });
});

describe("a cloud SDK using the machine's own configuration (provider-config.ts)", () => {
  // What the AWS SDK's SSO client does when the call view runs its commands: the config and keys read, then
  // requests to AWS's endpoint in the configured region.
  const sdkRun = (extra: Partial<SandboxReport['network']> = {}) => {
    const report = emptyReport();
    const byImport = { phase: 'import' as const, pid: 7, attribution: script('import', null) };
    report.honeytokens.accessed.push({
      tokenId: 't',
      kind: 'aws-access-key',
      path: '/home/jordan/.aws/credentials',
      time: T0,
      operation: 'read',
      result: 'ok',
      program: '/usr/bin/node',
      ...byImport,
    });
    report.sensitiveFiles.push(
      sensitive('aws', '/home/jordan/.aws/config', byImport),
      sensitive('aws', '/home/jordan/.aws/credentials', byImport),
    );
    const sso = 'portal.sso.eu-central-1.amazonaws.com';
    report.network = {
      dns: [dns(sso), ...(extra.dns ?? [])],
      tcp: [tcp(sso, 443), ...(extra.tcp ?? [])],
      udp: extra.udp ?? [],
    };
    return report;
  };

  it('is neither credential access nor egress when the run went only to the provider', () => {
    expect(scoreReport(sdkRun()).reasons.map((r) => r.rule)).toEqual([]);
  });

  it('counts both as before when anything went elsewhere, or a planted value left', () => {
    const elsewhere = scoreReport(sdkRun({ dns: [dns('collect.evil.example')], tcp: [tcp('collect.evil.example', 443)] }));
    expect(elsewhere.reasons.map((r) => r.rule)).toEqual(expect.arrayContaining(['credential-access', 'network-egress']));
    expect(elsewhere.reasons.find((r) => r.rule === 'network-egress')!.explanation).toContain('amazonaws.com');
    const leaked = sdkRun();
    leaked.honeytokens.exfiltrated.push({
      tokenId: 't',
      kind: 'aws-secret-key',
      channel: 'http',
      destination: 'bucket.s3.amazonaws.com:443',
      encoding: 'raw',
      time: T0 + 2,
    });
    expect(scoreReport(leaked).reasons.map((r) => r.rule)).toEqual(
      expect.arrayContaining(['honeytoken-exfiltration', 'credential-access']),
    );
  });
});

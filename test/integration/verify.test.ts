/**
 * `airlock verify --local` as users run it (the built CLI): a lockfile whose packages come from a loopback
 * registry, one of them an incident fixture (SSH key theft). Only packages added against --base are analysed;
 * SARIF validates against the SARIF 2.1.0 schema and points at the lockfile line; OSV has one record.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packFixture } from '../support/service.js';
import { sarifValidator } from '../support/sarif-schema.js';
import { startStaticRegistry } from '../support/static-registry.js';
import { testTempDir } from '../support/temp-dir.js';

const run = promisify(execFile);
const work = testTempDir('airlock-verify-');
let registry: Awaited<ReturnType<typeof startStaticRegistry>>;

const STEALER = { name: 'airlock-incident-ssh-key-theft', version: '1.0.0', dir: 'test/fixtures/incidents/mal-ssh-key-theft' };
const NOTICE = { name: 'airlock-fixture-node-e-print', version: '1.2.3', dir: 'test/fixtures/incidents/ben-node-e-print' };

function lockfile(pkgs: (typeof STEALER)[]): string {
  const packages: Record<string, unknown> = { '': { name: 'app', version: '1.0.0' } };
  for (const p of pkgs)
    packages[`node_modules/${p.name}`] = {
      version: p.version,
      resolved: `${registry.url}/${p.name}/-/${p.name}-${p.version}.tgz`,
      license: 'MIT',
    };
  return `${JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

async function verify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['apps/cli/dist/main.js', 'verify', ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  registry = await startStaticRegistry([{ tgz: await packFixture(STEALER.dir) }, { tgz: await packFixture(NOTICE.dir) }]);
  writeFileSync(join(work, 'base-lock.json'), lockfile([NOTICE]));
  writeFileSync(join(work, 'package-lock.json'), lockfile([NOTICE, STEALER]));
});

afterAll(() => registry?.server.close());

describe('airlock verify --local', () => {
  const common = () => [
    '--local',
    '--registry',
    registry.url,
    '--npm-cache',
    join(work, 'npm-cache'),
    '--artifacts',
    join(work, 'artifacts'),
    '--cache',
    join(work, 'verdicts.json'),
    '--no-retry',
  ];

  it('analyses only what the change added, exits 1 on the stealer, and writes SARIF that validates and OSV', async () => {
    const out = await verify(
      join(work, 'package-lock.json'),
      '--base',
      join(work, 'base-lock.json'),
      ...common(),
      '--sarif',
      join(work, 'out.sarif'),
      '--osv',
      join(work, 'osv'),
    );
    expect(out.stderr).toContain(`[1/1] npm:${STEALER.name}@1.0.0 malicious`);
    expect(out.stderr).not.toContain(NOTICE.name);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/1 package\(s\) checked: 1 malicious/);

    const sarif = JSON.parse(readFileSync(join(work, 'out.sarif'), 'utf8')) as {
      runs: { results: { level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[];
    };
    expect((await sarifValidator())(sarif)).toEqual([]);
    const [result] = sarif.runs[0]!.results;
    expect(result!.level).toBe('error');
    const line = result!.locations[0]!.physicalLocation.region.startLine;
    expect(readFileSync(join(work, 'package-lock.json'), 'utf8').split('\n')[line - 1]).toContain(`"node_modules/${STEALER.name}"`);

    const records = readdirSync(join(work, 'osv')).map(
      (f) => JSON.parse(readFileSync(join(work, 'osv', f), 'utf8')) as Record<string, unknown>,
    );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ affected: [{ package: { ecosystem: 'npm', name: STEALER.name }, versions: ['1.0.0'] }] });
  });

  it('checks the whole lockfile without --base, answering the known verdict from its cache and analysing the rest', async () => {
    const out = await verify(join(work, 'package-lock.json'), ...common(), '--json', '-j', '2');
    expect(out.stderr).toContain(`npm:${STEALER.name}@1.0.0 malicious (cached)`);
    expect(out.stderr).toMatch(new RegExp(`npm:${NOTICE.name}@1\\.2\\.3 benign$`, 'm'));
    const json = JSON.parse(out.stdout) as { checked: number; findings: { name: string; verdict: string }[] };
    expect(json.checked).toBe(2);
    expect(json.findings.map((f) => [f.name, f.verdict]).sort()).toEqual([
      [NOTICE.name, 'benign'],
      [STEALER.name, 'malicious'],
    ]);
    expect(out.code).toBe(1);
  });

  it('refuses a --base that is neither a file nor a revision, with a usage error', async () => {
    const out = await verify(join(work, 'package-lock.json'), '--base', 'no-such-rev-anywhere', ...common());
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/neither a file nor a git revision/);
  });
});

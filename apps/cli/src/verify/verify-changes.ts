/**
 * `airlock verify-changes`: the pull-request gate (what action.yml runs). Every lockfile or SBOM the change
 * touched is verified against the base revision (only packages it adds or moves to a new version), into one
 * SARIF log with a run per file and a Markdown summary for the job page. Worst exit code wins.
 */
import { execFile } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AirlockError } from '@airlock/core';
import { isInventoryFileName } from '@airlock/inventory';
import { FLAGGED } from '@airlock/report';
import { EXIT } from '../exit-codes.js';
import { ApiError, clientFailure } from '../service-commands.js';
import { sarifOf, verifyInventory, writeJsonFile, type VerifyOptions, type VerifyResult } from './verify-command.js';

const run = promisify(execFile);

export interface VerifyChangesOptions extends Omit<VerifyOptions, 'base' | 'sarif' | 'osv'> {
  base?: string;
  repo: string;
  sarif: string;
  summary?: string;
}

/** The base revision: --base, else the pull request's target branch as GitHub Actions names it. */
function baseRevision(opts: VerifyChangesOptions): string {
  if (opts.base) return opts.base;
  if (process.env.GITHUB_BASE_REF) return `origin/${process.env.GITHUB_BASE_REF}`;
  throw new AirlockError('INVALID_INPUT', 'no base revision: pass --base <git-rev> (in a pull request, GITHUB_BASE_REF is used)');
}

async function changedInventories(repo: string, base: string): Promise<string[]> {
  try {
    // base...HEAD: what the branch changed since it left the base, not what the base did meanwhile.
    const { stdout } = await run('git', ['-C', repo, 'diff', '--name-only', '--diff-filter=AMR', `${base}...HEAD`], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.split('\n').filter((f) => f !== '' && isInventoryFileName(f));
  } catch (err) {
    throw new AirlockError(
      'INVALID_INPUT',
      `git diff ${base}...HEAD failed in ${repo}: ${String((err as { stderr?: string }).stderr ?? (err as Error).message).trim()}`,
    );
  }
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdown(results: VerifyResult[], files: string[], base: string): string {
  const checked = results.reduce((n, r) => n + r.checked, 0);
  const out = [`## Airlock: ${files.length} lockfile(s) changed against \`${base}\`, ${checked} new package version(s) checked`, ''];
  const rows = results.flatMap((r, i) =>
    r.reported
      .filter((f) => FLAGGED.includes(f.verdict))
      .map((f) => {
        const why = f.reasons[0]?.explanation ?? f.notObserved.find((n) => n.hidesBehaviour)?.message ?? '';
        return `| ${f.verdict} | \`${f.ecosystem}:${f.name}@${f.version}\` | \`${files[i]}${f.line ? `:${f.line}` : ''}\` | ${cell(why)} |`;
      }),
  );
  if (rows.length === 0) out.push(checked === 0 ? 'No new package versions.' : 'Every new package version is benign.');
  else out.push('| Verdict | Package | Where | Why |', '| --- | --- | --- | --- |', ...rows);
  return `${out.join('\n')}\n`;
}

function worst(codes: number[]): number {
  for (const code of [EXIT.findings, EXIT.sandbox, EXIT.inconclusive]) if (codes.includes(code)) return code;
  return EXIT.ok;
}

export async function verifyChangesCommand(opts: VerifyChangesOptions): Promise<number> {
  const base = baseRevision(opts);
  const files = await changedInventories(opts.repo, base);
  const results: VerifyResult[] = [];
  try {
    for (const file of files) {
      process.stderr.write(`airlock: ${file}\n`);
      results.push(await verifyInventory(join(opts.repo, file), { ...opts, base }));
    }
  } catch (err) {
    if (err instanceof ApiError) return clientFailure('verify-changes', err);
    throw err;
  }
  // One run per inventory; with none changed, one empty run, so the upload step always has a valid log to send.
  const logs =
    results.length > 0
      ? await Promise.all(results.map((r) => sarifOf(r.reported, r.path, opts.version)))
      : [await sarifOf([], opts.repo, opts.version)];
  await writeJsonFile(opts.sarif, { ...logs[0], runs: logs.flatMap((l) => l.runs) });
  const md = markdown(results, files, base);
  if (opts.summary) await appendFile(opts.summary, md);
  process.stdout.write(md);
  return worst(results.map((r) => r.exitCode));
}

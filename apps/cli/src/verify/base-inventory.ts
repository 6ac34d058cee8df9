/**
 * `--base`: the inventory as it was before the change under review, from a file or from a git revision of
 * the same path (`origin/main`, a commit). A lockfile the base revision does not have yet makes every
 * package new; a revision git does not know is the caller's mistake and says so.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { promisify } from 'node:util';
import { AirlockError } from '@airlock/core';

const run = promisify(execFile);

/** The base text, or '' when the base revision has no such file (everything in the inventory is new). */
export async function readBaseInventory(base: string, inventoryPath: string): Promise<string> {
  if (existsSync(base)) return readFile(base, 'utf8');
  const cwd = dirname(inventoryPath);
  try {
    await run('git', ['-C', cwd, 'rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  } catch {
    throw new AirlockError('INVALID_INPUT', `--base ${base}: neither a file nor a git revision of the repository at ${cwd}`);
  }
  try {
    const { stdout } = await run('git', ['-C', cwd, 'show', `${base}:./${basename(inventoryPath)}`], { maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '');
    if (/does not exist|exists on disk, but not in/.test(stderr)) return '';
    throw new AirlockError('INVALID_INPUT', `--base ${base}: git show failed: ${stderr.trim() || (err as Error).message}`);
  }
}

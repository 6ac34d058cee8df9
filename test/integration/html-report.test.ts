/**
 * `airlock scan --html` on an incident fixture, opened in headless Chromium (Debian's, installed by setup) as
 * a person would: the page renders with the verdict and its linked evidence, and the screenshot is kept for
 * the README (`AIRLOCK_SCREENSHOT_OUT`).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../support/temp-dir.js';

const run = promisify(execFile);
const work = testTempDir('airlock-html-');

async function chromium(...args: string[]): Promise<string> {
  // --no-sandbox: tests run as root, where Chromium's own sandbox cannot start; the page has no script anyway.
  const { stdout } = await run('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', ...args], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return stdout;
}

describe('the HTML report in a browser', () => {
  it('shows an incident fixture as malicious, with reasons that link to their evidence', async () => {
    const page = join(work, 'report.html');
    const scan = await run(
      process.execPath,
      [
        'apps/cli/dist/main.js',
        'scan',
        'test/fixtures/incidents/mal-ssh-key-theft',
        '--html',
        page,
        '--no-retry',
        '--artifacts',
        join(work, 'artifacts'),
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    ).catch((err: { code: number; stdout: string }) => err);
    expect('code' in scan ? scan.code : 0).toBe(1);

    const dom = await chromium('--dump-dom', `file://${page}`);
    expect(dom).toMatch(/<span class="verdict"[^>]*>malicious<\/span>/);
    expect(dom).toContain('<h2>Why</h2>');
    const links = [...dom.matchAll(/href="#(ev-[^"]+)"/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const id of links) expect(dom).toContain(`id="${id}"`);
    expect(dom).toMatch(/honeytoken|ssh/i);

    const shot = join(work, 'report.png');
    await chromium(`--screenshot=${shot}`, '--window-size=1200,1400', `file://${page}`);
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    if (process.env.AIRLOCK_SCREENSHOT_OUT) copyFileSync(shot, process.env.AIRLOCK_SCREENSHOT_OUT);
  });
});

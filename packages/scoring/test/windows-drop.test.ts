import { describe, expect, it } from 'vitest';
import { scoreReport } from '../src/index.js';
import { reportWith, tcp, write } from './helpers.js';

const cwd = '/tmp/build-x/pkg-0.1';
const roaming = `${cwd}/C:\\Users\\sara\\AppData\\Roaming`;

describe('windows-payload.drop (code written into the Windows profile under the windows view)', () => {
  it('flags code in %APPDATA% (roaming), Startup or ProgramData; with egress it is malicious', () => {
    const drop = reportWith({
      fileWrites: [
        write(`${roaming}/Extension/background.js`, { operation: 'create' }),
        write(`${roaming}/Extension/manifest.json`, { operation: 'create' }),
      ],
    });
    const alone = scoreReport(drop);
    expect(alone.reasons.map((r) => [r.rule, r.weight, r.evidence.length])).toEqual([['windows-payload.drop', 45, 1]]);
    expect(alone.verdict).toBe('suspicious');
    expect(scoreReport({ ...drop, network: { ...drop.network, tcp: [tcp('pypi.org', 443)] } }).verdict).toBe('malicious');
    const startup = `${cwd}/C:\\Users\\sara\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\u.lnk`;
    expect(scoreReport(reportWith({ fileWrites: [write(startup)] })).reasons.map((r) => r.rule)).toEqual(['windows-payload.drop']);
  });

  it('leaves out caches under %LOCALAPPDATA% (Electron, Cypress), data files, failed writes and Linux paths', () => {
    const local = `${cwd}/C:\\Users\\sara\\AppData\\Local\\Cypress\\Cache\\13.0.0\\Cypress\\Cypress.exe`;
    const v = scoreReport(
      reportWith({
        fileWrites: [
          write(local),
          write(`${roaming}/app/settings.json`),
          write(`${roaming}/x.exe`, { result: 'EACCES' }),
          write('/home/jordan/.config/app/x.js'),
        ],
      }),
    );
    expect(v.reasons.map((r) => r.rule)).not.toContain('windows-payload.drop');
  });
});

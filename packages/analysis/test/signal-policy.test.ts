import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMaliciousFeed, parseInternalNamespaces, policySignals, signalPolicyFromSettings } from '../src/signal-policy.js';
import { testTempDir } from '../../../test/support/temp-dir.js';

const mal = (id: string, ecosystem: string, name: string) => ({
  id,
  summary: `Malicious code in ${name}`,
  affected: [{ package: { ecosystem, name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
});

describe('signal policy', () => {
  it('reads scopes, prefixes and names from one list', () => {
    expect(parseInternalNamespaces('@acme, acme-*  billing-core')).toEqual({
      scopes: ['@acme'],
      prefixes: ['acme-'],
      names: ['billing-core'],
    });
  });

  it('loads every OSV document under a folder, nested, and refuses broken JSON by name', async () => {
    const dir = testTempDir('osv-');
    mkdirSync(join(dir, 'npm'));
    writeFileSync(join(dir, 'npm', 'MAL-2026-1.json'), JSON.stringify(mal('MAL-2026-1', 'npm', 'evil-pkg')));
    writeFileSync(join(dir, 'MAL-2026-2.json'), JSON.stringify(mal('MAL-2026-2', 'PyPI', 'Evil_Py')));
    writeFileSync(join(dir, 'notes.txt'), 'not a feed');
    const feed = await loadMaliciousFeed(dir);
    expect(feed).toMatchObject({ records: 2, files: 2 });
    writeFileSync(join(dir, 'broken.json'), '{');
    await expect(loadMaliciousFeed(dir)).rejects.toThrow(/broken\.json is not valid JSON/);
    await expect(loadMaliciousFeed(join(dir, 'missing'))).rejects.toThrow(/cannot read the OSV feed folder/);
  });

  it('flags known-malicious packages anywhere, internal names only when they came from a public registry', async () => {
    const dir = testTempDir('osv-');
    writeFileSync(join(dir, 'a.json'), JSON.stringify(mal('MAL-2026-3', 'npm', 'evil-pkg')));
    const policy = await signalPolicyFromSettings({ osvDir: dir, internalNamespaces: '@acme,billing-core' });
    const refs = [
      { ecosystem: 'npm' as const, name: 'evil-pkg', version: '1.0.0', file: 'package-lock.json' },
      { ecosystem: 'npm' as const, name: '@acme/ui', version: '2.0.0', file: 'package-lock.json' },
      { ecosystem: 'npm' as const, name: 'left-pad', version: '1.3.0', file: 'package-lock.json' },
    ];
    expect(policySignals(policy, refs, 'public').map((s) => [s.id, s.evidence.value])).toEqual([
      ['known-malicious.osv', expect.stringContaining('evil-pkg')],
      ['dependency-confusion.internal-scope', '@acme/ui@2.0.0'],
    ]);
    expect(policySignals(policy, refs, 'local').map((s) => s.id)).toEqual(['known-malicious.osv']);
    expect(policySignals(undefined, refs, 'public')).toEqual([]);
  });
});

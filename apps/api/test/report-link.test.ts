import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '@airlock/store';
import { ReportLinkSigner } from '../src/report-link.js';

const box = new SecretBox(randomBytes(32).toString('hex'));
const signer = ReportLinkSigner.fromSecretBox(box, 900)!;
const now = Date.parse('2026-12-05T06:00:00.000Z');
const parts = (link: string) => Object.fromEntries(new URL(link, 'http://x').searchParams) as { exp: string; sig: string };

describe('signed report links', () => {
  it('open the analysis they were minted for, for its organization, until they expire', () => {
    const link = signer.mint('an_1', 'org_a', now);
    expect(link).toMatch(/^\/v1\/analyses\/an_1\/report\.html\?exp=\d+&sig=[\w-]{43}$/);
    const { exp, sig } = parts(link);
    expect(Number(exp)).toBe(now / 1000 + 900);
    expect(signer.check('an_1', 'org_a', exp, sig, now + 899_000)).toEqual({ ok: true });
    expect(signer.check('an_1', 'org_a', exp, sig, now + 900_000)).toEqual({
      ok: false,
      why: 'expired',
      expiredAt: '2026-12-05T06:15:00.000Z',
    });
  });

  it('refuse another analysis, another organization, a longer expiry, an altered signature, and garbage', () => {
    const { exp, sig } = parts(signer.mint('an_1', 'org_a', now));
    const invalid = { ok: false, why: 'invalid' };
    expect(signer.check('an_2', 'org_a', exp, sig, now)).toEqual(invalid);
    expect(signer.check('an_1', 'org_b', exp, sig, now)).toEqual(invalid);
    expect(signer.check('an_1', 'org_a', String(Number(exp) + 3600), sig, now)).toEqual(invalid);
    expect(signer.check('an_1', 'org_a', exp, `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`, now)).toEqual(invalid);
    expect(signer.check('an_1', 'org_a', exp, sig.slice(1), now)).toEqual(invalid);
    expect(signer.check('an_1', 'org_a', '1e12', sig, now)).toEqual(invalid);
    expect(signer.check('an_1', 'org_a', undefined, sig, now)).toEqual(invalid);
    expect(signer.check('an_1', 'org_a', exp, ['a', 'b'], now)).toEqual(invalid);
  });

  it('are signed with a key of their own: another service secret, or no secret, makes no valid link', () => {
    const { exp, sig } = parts(signer.mint('an_1', 'org_a', now));
    const other = ReportLinkSigner.fromSecretBox(new SecretBox(randomBytes(32).toString('hex')), 900)!;
    expect(other.check('an_1', 'org_a', exp, sig, now)).toEqual({ ok: false, why: 'invalid' });
    expect(ReportLinkSigner.fromSecretBox(null, 900)).toBeNull();
  });
});

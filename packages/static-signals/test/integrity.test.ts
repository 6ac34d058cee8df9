/** Lockfile integrity vs the archive's computed SRI. */
import { createHash } from 'node:crypto';
import { checkIntegrity, parseSri, sriFromHex } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';

const bytes = Buffer.from('package contents');
const sri = (algorithm: string, data: Buffer = bytes) => `${algorithm}-${createHash(algorithm).update(data).digest('base64')}`;

describe('parseSri', () => {
  it('parses several hashes, drops padding, skips unknown or malformed tokens', () => {
    const sha512 = sri('sha512');
    expect(parseSri(`${sha512} md5-abc sha256-tooShort ${sri('sha1')}?opt`).map((h) => h.algorithm)).toEqual(['sha512', 'sha1']);
    expect(parseSri(sha512)[0]!.digest).toBe(sha512.slice(7).replace(/=+$/, ''));
  });

  it('converts hex digests (PyPI) to SRI', () => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    expect(sriFromHex('sha256', hex)).toBe(sri('sha256'));
    expect(() => sriFromHex('sha256', 'abcd')).toThrow('not a sha256 hex digest: abcd');
  });
});

describe('checkIntegrity', () => {
  it('is silent when the strongest shared hash agrees', () => {
    expect(checkIntegrity(sri('sha512'), sri('sha512'))).toEqual([]);
    expect(checkIntegrity(`${sri('sha1')} ${sri('sha512')}`, `${sri('sha512')} ${sri('sha256')}`)).toEqual([]);
  });

  it('reports a mismatch with both digests', () => {
    const declared = sri('sha512', Buffer.from('what the lockfile saw'));
    expect(checkIntegrity(declared, sri('sha512'), { file: 'package-lock.json', package: 'left-pad@1.3.0' })).toEqual([
      {
        id: 'integrity.mismatch',
        severity: 'high',
        message: 'left-pad@1.3.0: archive sha512 does not match the declared integrity: the bytes differ from what was locked',
        evidence: { file: 'package-lock.json', value: declared },
        details: { algorithm: 'sha512', declared, computed: sri('sha512') },
      },
    ]);
  });

  it('reports a mismatch on any shared algorithm, even when a stronger one is absent on one side', () => {
    const [signal] = checkIntegrity(sri('sha1', Buffer.from('other')), `${sri('sha512')} ${sri('sha1')}`);
    expect(signal).toMatchObject({ id: 'integrity.mismatch', details: { algorithm: 'sha1' } });
  });

  it('says when nothing can be compared', () => {
    expect(checkIntegrity(sri('sha1'), sri('sha512')).map((s) => [s.id, s.severity, s.message])).toEqual([
      ['integrity.unverifiable', 'low', 'the declared integrity uses sha1, the archive was hashed with sha512'],
    ]);
    expect(checkIntegrity('', sri('sha512')).map((s) => [s.id, s.severity])).toEqual([['integrity.unverifiable', 'medium']]);
    expect(() => checkIntegrity(sri('sha512'), 'garbage')).toThrow('computed integrity is not a valid SRI string: garbage');
  });
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, secretBoxFromEnv } from '../src/index.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32).toString('hex'));

  it('seals a token so the sealed text does not contain it, and opens it for the same organization', () => {
    const sealed = box.seal('npm_secretToken1234', 'org_a');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('secretToken');
    expect(box.open(sealed, 'org_a')).toBe('npm_secretToken1234');
    expect(box.seal('npm_secretToken1234', 'org_a')).not.toBe(sealed);
  });

  it("refuses to open a token copied into another organization's record, or under another key, or altered", () => {
    const sealed = box.seal('npm_secretToken1234', 'org_a');
    expect(() => box.open(sealed, 'org_b')).toThrow();
    expect(() => new SecretBox(randomBytes(32).toString('hex')).open(sealed, 'org_a')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'org_a')).toThrow();
  });

  it('derives one key per purpose: stable for a label, different across labels and secrets, never the secret itself', () => {
    const secret = randomBytes(32).toString('hex');
    const a = new SecretBox(secret);
    expect(a.deriveKey('report-link')).toEqual(new SecretBox(secret).deriveKey('report-link'));
    expect(a.deriveKey('report-link')).toHaveLength(32);
    expect(a.deriveKey('report-link')).not.toEqual(a.deriveKey('other'));
    expect(a.deriveKey('report-link')).not.toEqual(box.deriveKey('report-link'));
    expect(a.deriveKey('report-link').toString('hex')).not.toBe(secret);
  });

  it('takes its key from the environment, and refuses a key that is not 32 bytes of hex', () => {
    expect(secretBoxFromEnv({})).toBeNull();
    expect(secretBoxFromEnv({ AIRLOCK_SECRETS_KEY: 'ab'.repeat(32) })).toBeInstanceOf(SecretBox);
    expect(() => secretBoxFromEnv({ AIRLOCK_SECRETS_KEY: 'short' })).toThrow(/64 hex characters/);
    expect(() => secretBoxFromEnv({ AIRLOCK_SECRETS_KEY_FILE: '/nonexistent/key' })).toThrow(/ENOENT/);
  });
});

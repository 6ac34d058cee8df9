/**
 * Secrets at rest (an organization's registry token): AES-256-GCM under the service's key, so a Redis dump
 * or a replica alone never gives a token away. The key is AIRLOCK_SECRETS_KEY (64 hex characters), or the
 * file AIRLOCK_SECRETS_KEY_FILE names (`npm run setup` writes `.airlock/secrets-key`). Sealed text:
 * `v1.<iv>.<tag>.<ciphertext>`, base64url; the organization id is bound as associated data, so a sealed
 * token copied into another organization's record does not open.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export class SecretBox {
  private readonly key: Buffer;

  constructor(keyHex: string) {
    if (!/^[0-9a-f]{64}$/i.test(keyHex)) throw new Error('the secrets key must be 64 hex characters (32 bytes): openssl rand -hex 32');
    this.key = Buffer.from(keyHex, 'hex');
  }

  seal(plain: string, orgId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(orgId));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  open(sealed: string, orgId: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(orgId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * A separate 32-byte key for another use (HKDF-SHA256, `label` as its info): one configured secret, and a
   * key per purpose, so a signature made for one use can never be taken for another or for a sealed token.
   */
  deriveKey(label: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `airlock ${label}`, 32));
  }
}

/** The service's secret box from the environment, or null when no key is configured (private registries are then refused). */
export function secretBoxFromEnv(env: NodeJS.ProcessEnv): SecretBox | null {
  if (env.AIRLOCK_SECRETS_KEY) return new SecretBox(env.AIRLOCK_SECRETS_KEY.trim());
  const file = env.AIRLOCK_SECRETS_KEY_FILE;
  if (!file) return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read AIRLOCK_SECRETS_KEY_FILE ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
    });
  }
  return new SecretBox(text.trim());
}

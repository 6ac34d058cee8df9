/**
 * Short-lived signed links to an analysis's HTML report: a browser sends no Bearer token, so the link
 * itself is the credential. The signature is HMAC-SHA256 over (analysis id, organization id, expiry) under
 * a key derived from the service's secrets key (never the key that seals registry tokens), so a link opens
 * one analysis, for the organization it was minted for, until it expires; nothing is stored to check it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '@airlock/store';

export type LinkCheck = { ok: true } | { ok: false; why: 'expired' | 'invalid'; expiredAt?: string };

export class ReportLinkSigner {
  constructor(
    private readonly key: Buffer,
    /** How long a minted link opens the page (AIRLOCK_REPORT_LINK_TTL_SECONDS). */
    readonly ttlSeconds: number,
  ) {}

  static fromSecretBox(box: SecretBox | null, ttlSeconds: number): ReportLinkSigner | null {
    return box ? new ReportLinkSigner(box.deriveKey('report-link v1'), ttlSeconds) : null;
  }

  private sign(analysisId: string, orgId: string, exp: number): string {
    // NUL-separated: ids never contain one, so no two (id, org, exp) triples sign the same bytes.
    return createHmac('sha256', this.key).update(`v1\0${analysisId}\0${orgId}\0${exp}`).digest('base64url');
  }

  /** `/v1/analyses/<id>/report.html?exp=<unix seconds>&sig=<base64url>`, valid ttlSeconds from `nowMs`. */
  mint(analysisId: string, orgId: string, nowMs: number): string {
    const exp = Math.floor(nowMs / 1000) + this.ttlSeconds;
    const query = new URLSearchParams({ exp: String(exp), sig: this.sign(analysisId, orgId, exp) });
    return `/v1/analyses/${encodeURIComponent(analysisId)}/report.html?${query}`;
  }

  /** The signature first (an expiry is only reported for a link this service made), then the expiry. */
  check(analysisId: string, orgId: string, exp: unknown, sig: unknown, nowMs: number): LinkCheck {
    if (typeof exp !== 'string' || !/^\d{1,12}$/.test(exp) || typeof sig !== 'string') return { ok: false, why: 'invalid' };
    const expected = Buffer.from(this.sign(analysisId, orgId, Number(exp)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'invalid' };
    if (Number(exp) * 1000 <= nowMs) return { ok: false, why: 'expired', expiredAt: new Date(Number(exp) * 1000).toISOString() };
    return { ok: true };
  }
}

/**
 * Reports (shared by every analysis of a run) and the latest verdict per package version. Registry
 * packages have one verdict for everyone; an uploaded archive's verdict is visible to its organization only.
 */
import type { Ecosystem, SandboxReport } from '@airlock/core';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import type { VerdictEntry, VerdictSummary } from './types.js';

export function summarizeVerdict(verdict: NonNullable<SandboxReport['verdict']>): VerdictSummary {
  return {
    verdict: verdict.verdict,
    score: verdict.score,
    reasons: verdict.reasons.map((r) => ({ rule: r.rule, severity: r.severity, explanation: r.explanation })),
  };
}

export class VerdictStore {
  constructor(private readonly redis: Redis) {}

  /** Stores a report serialised by the caller (which bounds its size and handles a failure to serialise). */
  async saveReport(reportId: string, json: string): Promise<void> {
    await this.redis.set(keys.report(reportId), json);
  }

  /** The report as stored (a string: it is served as is, never re-serialised). */
  async reportJson(reportId: string): Promise<string | null> {
    return this.redis.get(keys.report(reportId));
  }

  /** Records a new verdict and returns the entry, with `previousVerdict` set when it changed. */
  async record(scope: { orgId: string } | 'public', entry: Omit<VerdictEntry, 'previousVerdict'>): Promise<VerdictEntry> {
    const key = this.key(scope, entry.ecosystem, entry.name, entry.version);
    const before = await this.redis.get(key);
    const previous = before ? (JSON.parse(before) as VerdictEntry).verdict.verdict : null;
    const stored: VerdictEntry = { ...entry, previousVerdict: previous !== null && previous !== entry.verdict.verdict ? previous : null };
    const m = this.redis.multi().set(key, JSON.stringify(stored));
    if (scope === 'public')
      m.zadd(keys.analysedVersions(entry.ecosystem, entry.name), Date.parse(entry.analyzedAt) || Date.now(), entry.version);
    await m.exec();
    return stored;
  }

  /** Other versions of a registry package that have a public verdict, most recently analysed first. */
  async otherVersions(ecosystem: Ecosystem, name: string, version: string): Promise<VerdictEntry[]> {
    const versions = (await this.redis.zrevrange(keys.analysedVersions(ecosystem, name), 0, 49)).filter((v) => v !== version);
    if (versions.length === 0) return [];
    const texts = await this.redis.mget(...versions.map((v) => keys.verdict(ecosystem, name, v)));
    return texts.flatMap((t) => (t ? [JSON.parse(t) as VerdictEntry] : []));
  }

  /** The organization's own upload verdict if there is one, else the public registry verdict. */
  async latest(orgId: string, ecosystem: Ecosystem, name: string, version: string): Promise<VerdictEntry | null> {
    const [own, pub] = await this.redis.mget(this.key({ orgId }, ecosystem, name, version), this.key('public', ecosystem, name, version));
    const text = own ?? pub;
    return text ? (JSON.parse(text) as VerdictEntry) : null;
  }

  /** A verdict usable instead of a new run: same version, and for uploads the same archive bytes. */
  async known(
    orgId: string,
    ecosystem: Ecosystem,
    name: string,
    version: string,
    archiveSha256: string | null,
  ): Promise<VerdictEntry | null> {
    const key = archiveSha256 === null ? this.key('public', ecosystem, name, version) : this.key({ orgId }, ecosystem, name, version);
    const text = await this.redis.get(key);
    if (!text) return null;
    const entry = JSON.parse(text) as VerdictEntry;
    return archiveSha256 === null || entry.archiveSha256 === archiveSha256 ? entry : null;
  }

  private key(scope: { orgId: string } | 'public', ecosystem: Ecosystem, name: string, version: string): string {
    return scope === 'public' ? keys.verdict(ecosystem, name, version) : keys.orgUploadVerdict(scope.orgId, ecosystem, name, version);
  }
}

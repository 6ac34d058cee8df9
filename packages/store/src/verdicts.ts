/**
 * Reports (shared by every analysis of a run) and verdicts. A registry package version has one public
 * verdict for everyone, decided run by run by verdict-policy.ts (a `malicious` one is sticky), with the
 * history of every recorded run and the set of organizations that received it. An uploaded archive's
 * verdict is its organization's only, keyed by the archive's sha256: it never answers a registry lookup.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Ecosystem, SandboxReport } from '@airlock/core';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import type { VerdictEntry, VerdictName, VerdictSummary } from './types.js';
import { decidePublicVerdict, VERDICT_HISTORY_LIMIT, type VerdictRun } from './verdict-policy.js';

export type NewVerdict = Omit<VerdictEntry, 'previousVerdict'>;

/** What recording one registry run did. */
export interface RecordedRun {
  /** The public verdict after this run (this run's entry when applied, the one before when held). */
  entry: VerdictEntry;
  run: VerdictRun;
  /** The public verdict before, when this run changed it; else null. */
  previousVerdict: VerdictName | null;
  /** When it changed: every organization that had received the old verdict, and this run's requesters. */
  notify: string[];
}

const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const LOCK_MS = 10_000;

type ReportReason = NonNullable<SandboxReport['verdict']>['reasons'][number];

/**
 * A stable signature of one rule's evidence: the rule id and what each evidence entry points at (section,
 * phase, path, destination, detail), sorted; never pids, times or list positions, which change from run to
 * run. Two runs with the same behaviour have the same signature; new evidence gives a new one.
 */
export function evidenceSignature(reason: Pick<ReportReason, 'rule' | 'evidence'>): string {
  const parts = [
    ...new Set(
      (reason.evidence ?? []).map((e) => [e.section, e.phase ?? '', e.path ?? '', e.destination ?? '', e.detail ?? ''].join('\u0000')),
    ),
  ];
  return createHash('sha256')
    .update(JSON.stringify([reason.rule, parts.sort()]))
    .digest('hex');
}

export function summarizeVerdict(verdict: NonNullable<SandboxReport['verdict']>): VerdictSummary {
  return {
    verdict: verdict.verdict,
    score: verdict.score,
    reasons: verdict.reasons.map((r) => ({
      rule: r.rule,
      severity: r.severity,
      explanation: r.explanation,
      conclusive: r.conclusive,
      evidenceSha256: evidenceSignature(r),
    })),
    // Reports before 0.9.0 carry no `hidesBehaviour`: their verdicts were never inconclusive.
    notObserved: verdict.notObserved.map((n) => ({
      kind: n.kind,
      phase: n.phase ?? null,
      message: n.message,
      hidesBehaviour: n.hidesBehaviour ?? false,
    })),
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

  /**
   * Records one run of a registry package version: appended to the version's history, and written as
   * the public verdict when decidePublicVerdict allows. One run at a time per version (a short lock), so
   * two runs finishing together cannot both read the same history.
   */
  async recordRun(entry: NewVerdict, meta: { requestedBy: string[]; forced: boolean }): Promise<RecordedRun> {
    const { ecosystem, name, version } = entry;
    return this.locked(ecosystem, name, version, async () => {
      const [currentText, historyTexts, receivers] = await Promise.all([
        this.redis.get(keys.verdict(ecosystem, name, version)),
        this.redis.lrange(keys.verdictHistory(ecosystem, name, version), 0, VERDICT_HISTORY_LIMIT - 1),
        this.redis.smembers(keys.verdictReceivers(ecosystem, name, version)),
      ]);
      const current = currentText ? (JSON.parse(currentText) as VerdictEntry) : null;
      const history = historyTexts.map((t) => JSON.parse(t) as VerdictRun);
      const requestedBy = [...new Set(meta.requestedBy)].sort();
      const candidate = { reportId: entry.reportId, analyzedAt: entry.analyzedAt, verdict: entry.verdict.verdict, requestedBy };
      const decision = decidePublicVerdict(current?.verdict.verdict ?? null, history, candidate);
      const before = current?.verdict.verdict ?? null;
      const changed = decision.apply && before !== null && before !== entry.verdict.verdict;
      const run: VerdictRun = {
        ...candidate,
        score: entry.verdict.score,
        forced: meta.forced,
        changedPublic: changed,
        held: !decision.apply,
        note: decision.note,
      };
      const stored: VerdictEntry = decision.apply ? { ...entry, previousVerdict: changed ? before : null } : current!;
      const m = this.redis
        .multi()
        .lpush(keys.verdictHistory(ecosystem, name, version), JSON.stringify(run))
        .ltrim(keys.verdictHistory(ecosystem, name, version), 0, VERDICT_HISTORY_LIMIT - 1);
      if (requestedBy.length > 0) m.sadd(keys.verdictReceivers(ecosystem, name, version), ...requestedBy);
      if (decision.apply)
        m.set(keys.verdict(ecosystem, name, version), JSON.stringify(stored)).zadd(
          keys.analysedVersions(ecosystem, name),
          Date.parse(entry.analyzedAt) || Date.now(),
          version,
        );
      await m.exec();
      return {
        entry: stored,
        run,
        previousVerdict: changed ? before : null,
        notify: changed ? [...new Set([...receivers, ...requestedBy])].sort() : [],
      };
    });
  }

  /** Records an uploaded archive's verdict for its organization, with `previousVerdict` set when it changed. */
  async recordUpload(orgId: string, entry: NewVerdict): Promise<VerdictEntry> {
    return this.recordOwn(keys.uploadVerdict(orgId, entry.archiveSha256), entry);
  }

  /** Records the verdict of a package from an organization's private registry: that organization's only, never public. */
  async recordPrivate(orgId: string, entry: NewVerdict): Promise<VerdictEntry> {
    return this.recordOwn(keys.privateVerdict(orgId, entry.ecosystem, entry.name, entry.version), entry);
  }

  /** The organization's own verdict of a package from its private registry. */
  async privateLatest(orgId: string, ecosystem: Ecosystem, name: string, version: string): Promise<VerdictEntry | null> {
    const text = await this.redis.get(keys.privateVerdict(orgId, ecosystem, name, version));
    return text ? (JSON.parse(text) as VerdictEntry) : null;
  }

  private async recordOwn(key: string, entry: NewVerdict): Promise<VerdictEntry> {
    const before = await this.redis.get(key);
    const previous = before ? (JSON.parse(before) as VerdictEntry).verdict.verdict : null;
    const stored: VerdictEntry = { ...entry, previousVerdict: previous !== null && previous !== entry.verdict.verdict ? previous : null };
    await this.redis.set(key, JSON.stringify(stored));
    return stored;
  }

  /**
   * An operator sets the public verdict of a registry version by hand (a sticky `malicious` that review
   * found wrong, or a verdict to raise at once). Recorded in the version's history like a run (with the
   * reason), and announced to every organization that received the old verdict. Null when the version has
   * no public verdict (nothing to override).
   */
  async override(
    ecosystem: Ecosystem,
    name: string,
    version: string,
    change: { verdict: VerdictName; reason: string; at: string },
  ): Promise<RecordedRun | null> {
    return this.locked(ecosystem, name, version, async () => {
      const [currentText, receivers] = await Promise.all([
        this.redis.get(keys.verdict(ecosystem, name, version)),
        this.redis.smembers(keys.verdictReceivers(ecosystem, name, version)),
      ]);
      if (!currentText) return null;
      const current = JSON.parse(currentText) as VerdictEntry;
      const before = current.verdict.verdict;
      const changed = before !== change.verdict;
      const stored: VerdictEntry = {
        ...current,
        analyzedAt: change.at,
        verdict: {
          ...current.verdict,
          verdict: change.verdict,
          reasons: [{ rule: 'operator-override', severity: 'info', explanation: `set by an operator: ${change.reason}` }],
        },
        previousVerdict: changed ? before : null,
        override: { at: change.at, reason: change.reason, previous: before },
      };
      const run: VerdictRun = {
        reportId: current.reportId,
        analyzedAt: change.at,
        verdict: change.verdict,
        score: current.verdict.score,
        requestedBy: [],
        forced: false,
        changedPublic: changed,
        held: false,
        note: `operator override (was ${before}): ${change.reason}`,
        override: true,
      };
      await this.redis
        .multi()
        .lpush(keys.verdictHistory(ecosystem, name, version), JSON.stringify(run))
        .ltrim(keys.verdictHistory(ecosystem, name, version), 0, VERDICT_HISTORY_LIMIT - 1)
        .set(keys.verdict(ecosystem, name, version), JSON.stringify(stored))
        .exec();
      return { entry: stored, run, previousVerdict: changed ? before : null, notify: changed ? receivers.sort() : [] };
    });
  }

  /** Other versions of a registry package that have a public verdict, most recently analysed first. */
  async otherVersions(ecosystem: Ecosystem, name: string, version: string): Promise<VerdictEntry[]> {
    const versions = (await this.redis.zrevrange(keys.analysedVersions(ecosystem, name), 0, 49)).filter((v) => v !== version);
    if (versions.length === 0) return [];
    const texts = await this.redis.mget(...versions.map((v) => keys.verdict(ecosystem, name, v)));
    return texts.flatMap((t) => (t ? [JSON.parse(t) as VerdictEntry] : []));
  }

  /** The public verdict of a registry package version (never an upload's, whatever its label). */
  async latest(ecosystem: Ecosystem, name: string, version: string): Promise<VerdictEntry | null> {
    const text = await this.redis.get(keys.verdict(ecosystem, name, version));
    return text ? (JSON.parse(text) as VerdictEntry) : null;
  }

  /** The public verdicts of many versions of one package in one round trip (null where none is known). */
  async latestMany(ecosystem: Ecosystem, name: string, versions: readonly string[]): Promise<(VerdictEntry | null)[]> {
    if (versions.length === 0) return [];
    const texts = await this.redis.mget(versions.map((v) => keys.verdict(ecosystem, name, v)));
    return texts.map((t) => (t ? (JSON.parse(t) as VerdictEntry) : null));
  }

  /** Every recorded run of a registry version, newest first (at most VERDICT_HISTORY_LIMIT). */
  async history(ecosystem: Ecosystem, name: string, version: string): Promise<VerdictRun[]> {
    const texts = await this.redis.lrange(keys.verdictHistory(ecosystem, name, version), 0, VERDICT_HISTORY_LIMIT - 1);
    return texts.map((t) => JSON.parse(t) as VerdictRun);
  }

  /** When the newest recorded run of a registry version finished (held or applied); null if none. */
  async lastRunAt(ecosystem: Ecosystem, name: string, version: string): Promise<string | null> {
    const newest = await this.redis.lindex(keys.verdictHistory(ecosystem, name, version), 0);
    if (newest) return (JSON.parse(newest) as VerdictRun).analyzedAt;
    return (await this.latest(ecosystem, name, version))?.analyzedAt ?? null;
  }

  /** Notes that an organization read or received the public verdict of a version (it is told when it changes). */
  async addReceiver(ecosystem: Ecosystem, name: string, version: string, orgId: string): Promise<void> {
    await this.redis.sadd(keys.verdictReceivers(ecosystem, name, version), orgId);
  }

  async receivers(ecosystem: Ecosystem, name: string, version: string): Promise<string[]> {
    return (await this.redis.smembers(keys.verdictReceivers(ecosystem, name, version))).sort();
  }

  /**
   * A verdict usable instead of a new run: the public one for a registry version, the organization's own
   * for a package of its private registry (`privateTo`) or for the same archive bytes.
   */
  async known(
    orgId: string,
    ecosystem: Ecosystem,
    name: string,
    version: string,
    archiveSha256: string | null,
    privateTo: string | null = null,
  ): Promise<VerdictEntry | null> {
    if (privateTo !== null) return this.privateLatest(privateTo, ecosystem, name, version);
    if (archiveSha256 === null) return this.latest(ecosystem, name, version);
    const text = await this.redis.get(keys.uploadVerdict(orgId, archiveSha256));
    return text ? (JSON.parse(text) as VerdictEntry) : null;
  }

  private async locked<T>(ecosystem: Ecosystem, name: string, version: string, work: () => Promise<T>): Promise<T> {
    const key = keys.verdictLock(ecosystem, name, version);
    const token = randomUUID();
    // The lock expires by itself: a holder that died frees it after LOCK_MS at most.
    while ((await this.redis.set(key, token, 'PX', LOCK_MS, 'NX')) !== 'OK') await new Promise((r) => setTimeout(r, 25));
    try {
      return await work();
    } finally {
      await this.redis.eval(RELEASE_LOCK, 1, key, token);
    }
  }
}

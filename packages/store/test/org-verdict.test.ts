import { describe, expect, it } from 'vitest';
import {
  defaultOrgSettings,
  evidenceSignature,
  isPrivatePackage,
  orgVerdictView,
  ownBudgetProblem,
  summarizeVerdict,
  type AcceptedFalsePositive,
  type AcceptanceMatch,
  type VerdictSummary,
} from '../src/index.js';

const pkg = { ecosystem: 'npm' as const, name: 'cwebp-bin', version: '7.0.1' };
const by = { keyId: 'key_1', keyName: 'ci' };
const accept = (match: AcceptanceMatch, id = 'afp_1'): AcceptedFalsePositive => ({
  id,
  match,
  reason: 'builds from source',
  by,
  at: '2026-12-05T00:00:00Z',
});
const shellReason = {
  rule: 'download-execute.own-folder',
  severity: 'medium',
  explanation: 'x',
  conclusive: false,
  evidenceSha256: 'a'.repeat(64),
};
const verdict = (verdictName: VerdictSummary['verdict'], ...reasons: VerdictSummary['reasons']): VerdictSummary => ({
  verdict: verdictName,
  score: 40,
  reasons,
  notObserved: [],
});
/** The range matcher is handed in (packages/registry versionInRange, tested there); a minimal one here: `>=X <Y` on major versions. */
const versionInRange = (_ecosystem: string, version: string, range: string) => {
  const [lo, hi] = (/^>=(\d+)\S* <(\d+)$/.exec(range) ?? []).slice(1).map(Number);
  const major = Number(version.split('.')[0]);
  return lo !== undefined && hi !== undefined && major >= lo && major < hi;
};
const view = (v: VerdictSummary, ...entries: AcceptedFalsePositive[]) =>
  orgVerdictView(v, pkg, { acceptedFalsePositives: entries }, versionInRange);

describe('orgVerdictView', () => {
  it('shows an accepted package as benign for the organization, the stored verdict kept and the acceptance named', () => {
    const stored = verdict('suspicious', shellReason);
    const seen = view(stored, accept({ kind: 'package', ecosystem: 'npm', name: 'cwebp-bin' }));
    expect(seen.verdict.verdict).toBe('benign');
    expect(seen.originalVerdict).toBe(stored);
    expect(seen.acceptedFalsePositive).toEqual({ id: 'afp_1', by, at: '2026-12-05T00:00:00Z', reason: 'builds from source' });
    expect(stored.verdict).toBe('suspicious');
  });

  it('applies a range to the versions inside it only', () => {
    const stored = verdict('suspicious', shellReason);
    expect(view(stored, accept({ kind: 'range', ecosystem: 'npm', name: 'cwebp-bin', range: '>=7.0.0 <8' })).verdict.verdict).toBe(
      'benign',
    );
    expect(view(stored, accept({ kind: 'range', ecosystem: 'npm', name: 'cwebp-bin', range: '>=8.0.0 <9' })).verdict.verdict).toBe(
      'suspicious',
    );
  });

  it('a signature covers that rule with that evidence only: a new rule, or new evidence, keeps the verdict', () => {
    const signature = accept({
      kind: 'signature',
      ecosystem: 'npm',
      name: 'cwebp-bin',
      rule: shellReason.rule,
      evidenceSha256: 'a'.repeat(64),
    });
    expect(view(verdict('suspicious', shellReason), signature).verdict.verdict).toBe('benign');
    const newEvidence = { ...shellReason, evidenceSha256: 'b'.repeat(64) };
    expect(view(verdict('suspicious', newEvidence), signature).verdict.verdict).toBe('suspicious');
    const newRule = {
      rule: 'credential-access.config',
      severity: 'medium',
      explanation: 'y',
      conclusive: false,
      evidenceSha256: 'c'.repeat(64),
    };
    const both = view(verdict('malicious', shellReason, newRule), signature);
    expect(both.verdict.verdict).toBe('malicious');
    expect(both.acceptedFalsePositive).toBeNull();
  });

  it('never covers honeytoken exfiltration, nor proof by package or range, nor an inconclusive verdict', () => {
    const exfil = {
      rule: 'honeytoken-exfiltration',
      severity: 'high',
      explanation: 'sent',
      conclusive: true,
      evidenceSha256: 'd'.repeat(64),
    };
    const all = [
      accept({ kind: 'package', ecosystem: 'npm', name: 'cwebp-bin' }),
      accept({ kind: 'signature', ecosystem: 'npm', name: 'cwebp-bin', rule: exfil.rule, evidenceSha256: exfil.evidenceSha256 }, 'afp_2'),
    ];
    expect(view(verdict('malicious', exfil), ...all).verdict.verdict).toBe('malicious');
    const shell = { rule: 'reverse-shell.command', severity: 'high', explanation: 'sh', conclusive: true, evidenceSha256: 'e'.repeat(64) };
    expect(view(verdict('malicious', shell), all[0]!).verdict.verdict).toBe('malicious');
    const bySignature = accept({
      kind: 'signature',
      ecosystem: 'npm',
      name: 'cwebp-bin',
      rule: shell.rule,
      evidenceSha256: shell.evidenceSha256,
    });
    expect(view(verdict('malicious', shell), bySignature).verdict.verdict).toBe('benign');
    expect(view(verdict('inconclusive'), all[0]!).verdict.verdict).toBe('inconclusive');
    // A reason stored before reasons carried `conclusive` is treated as proof.
    const { conclusive: _c, ...old } = shellReason;
    expect(view(verdict('suspicious', old), all[0]!).verdict.verdict).toBe('suspicious');
  });

  it('applies only to the package it names', () => {
    expect(view(verdict('suspicious', shellReason), accept({ kind: 'package', ecosystem: 'npm', name: 'other' })).verdict.verdict).toBe(
      'suspicious',
    );
    expect(
      view(verdict('suspicious', shellReason), accept({ kind: 'package', ecosystem: 'pypi', name: 'cwebp-bin' })).verdict.verdict,
    ).toBe('suspicious');
  });
});

describe('evidenceSignature', () => {
  const evidence = (pid: number, time: number, index: number, path = '/home/jordan/.npmrc') => ({
    section: 'files.read',
    index,
    pid,
    time,
    path,
  });
  it('is stable across runs (pids, times and positions ignored) and changes with new evidence', () => {
    const a = evidenceSignature({ rule: 'credential-access.config', evidence: [evidence(10, 1, 0), evidence(11, 2, 3)] });
    const b = evidenceSignature({ rule: 'credential-access.config', evidence: [evidence(99, 7, 5)] });
    expect(a).toBe(b);
    expect(
      evidenceSignature({ rule: 'credential-access.config', evidence: [evidence(10, 1, 0, '/home/jordan/.aws/credentials')] }),
    ).not.toBe(a);
    expect(evidenceSignature({ rule: 'other-rule', evidence: [evidence(10, 1, 0)] })).not.toBe(a);
  });

  it('is stored in the verdict summary with whether the rule is proof', () => {
    const summary = summarizeVerdict({
      verdict: 'suspicious',
      score: 25,
      reasons: [
        { rule: 'r', severity: 'medium', tactic: 't', weight: 25, conclusive: false, explanation: 'e', evidence: [evidence(1, 1, 0)] },
      ],
      notObserved: [],
    });
    expect(summary.reasons[0]).toMatchObject({ rule: 'r', conclusive: false, evidenceSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});

describe('organization settings rules', () => {
  it('an organization may lower a budget, never raise it past what applies', () => {
    expect(ownBudgetProblem(50, 10, 50)).toBeNull();
    expect(ownBudgetProblem(50, 51, 50)).toMatch(/only an operator can raise/);
    // Back to the service default from an operator-lowered 10: a raise too.
    expect(ownBudgetProblem(10, null, 50)).toMatch(/50 is more than the 10/);
    expect(ownBudgetProblem(200, 100, 50)).toBeNull();
  });

  it('a package is private when its scope (or, with no scopes, any npm package) comes from the private registry', () => {
    const settings = defaultOrgSettings();
    expect(isPrivatePackage(settings, 'npm', '@acme/lib')).toBe(false);
    settings.registries.npm = { url: 'https://npm.acme.example/', scopes: ['@acme'], tokenSealed: null, tokenLast4: null };
    expect(isPrivatePackage(settings, 'npm', '@acme/lib')).toBe(true);
    expect(isPrivatePackage(settings, 'npm', '@ACME/lib')).toBe(true);
    expect(isPrivatePackage(settings, 'npm', 'left-pad')).toBe(false);
    expect(isPrivatePackage(settings, 'pypi', '@acme/lib')).toBe(false);
    settings.registries.npm.scopes = [];
    expect(isPrivatePackage(settings, 'npm', 'left-pad')).toBe(true);
  });

  it('guards refuse malicious and inconclusive by default', () => {
    expect(defaultOrgSettings().guardRefuses).toEqual(['malicious', 'inconclusive']);
  });
});

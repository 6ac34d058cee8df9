/** The HTML page of a report: hostile strings escaped, no script, and every evidence link lands on its entry. */
import { describe, expect, it } from 'vitest';
import { buildReport, renderReportHtml } from '../src/index.js';
import { identity, sandboxRun, summarize } from './helpers.js';
import { IMPORT_TRACE, INSTALL_TRACE, PACKAGE } from './sandbox-traces.js';

const hostile = '<script>alert(document.cookie)</script>"\'&';

function report() {
  const r = buildReport({
    id: 'abc123def456',
    createdAt: new Date('2026-12-05T03:00:00.000Z'),
    identity: identity(PACKAGE),
    run: sandboxRun([{ path: `/home/jordan/${hostile}`, kind: 'added' }]),
    traces: { install: summarize(INSTALL_TRACE, 'install', PACKAGE), import: summarize(IMPORT_TRACE, 'import', PACKAGE) },
    artifacts: {},
  });
  // 250 writes: the one that is evidence sits past the page's 200-entry list limit.
  r.fileWrites = Array.from({ length: 250 }, (_, i) => ({ ...r.fileWrites[0]!, path: `/tmp/f${i}` }));
  r.verdict = {
    verdict: 'malicious',
    score: 100,
    reasons: [
      {
        rule: 'persistence',
        severity: 'high',
        tactic: 'persistence',
        weight: 70,
        conclusive: false,
        explanation: `wrote ${hostile} to a login script`,
        evidence: [
          { section: 'fileWrites', index: 240, path: '/tmp/f240' },
          { section: 'fsDiff', index: 0, path: hostile },
        ],
      },
    ],
    notObserved: [{ kind: 'phase-timeout', message: 'the import phase timed out', hidesBehaviour: true, evidence: [] }],
  };
  return r;
}

describe('the HTML report', () => {
  const html = renderReportHtml(report());

  it('escapes what the package wrote and carries no script or external asset', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(document.cookie)&lt;/script&gt;&quot;&#39;&amp;');
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(html).toContain("default-src 'none'");
  });

  it('links each reason to its evidence, and shows that entry even past the list limit', () => {
    const hrefs = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs).toEqual(['ev-fileWrites-240', 'ev-fsDiff-0']);
    for (const id of hrefs) expect(html).toContain(`id="${id}"`);
    expect(html).not.toContain('id="ev-fileWrites-239"');
    expect(html).toContain('49 more in the JSON report');
  });

  it('says what was not observed', () => {
    expect(html).toContain('Not observed: the import phase timed out');
  });

  it("shows the reader organization's accepted false positive: the verdict it sees, the run's verdict and reasons kept", () => {
    const seen = renderReportHtml(report(), {
      acceptedFalsePositive: { id: 'afp_1', reason: `reviewed ${hostile}`, at: '2026-12-05T04:00:00.000Z', by: { keyName: 'ci' } },
    });
    expect(html).toMatch(/<span class="verdict"[^>]*>malicious<\/span>/);
    expect(seen).toMatch(/<span class="verdict"[^>]*>benign<\/span>/);
    expect(seen).toContain('Accepted as a false positive by your organization (afp_1, key ci');
    expect(seen).toContain("The run's verdict was <strong>malicious</strong>");
    expect(seen).toContain('reviewed &lt;script&gt;');
    expect(seen).toContain('<strong>persistence</strong>');
  });
});

/** The pip guard's pure parts: upstream page parsing, releases and their age, the page pip sees, content negotiation. */
import { describe, expect, it } from 'vitest';
import {
  guardDecision,
  guardSimpleProject,
  listingDecision,
  negotiateSimpleFormat,
  parseSimpleProject,
  renderSimpleHtml,
  renderSimpleJson,
  simpleReleases,
  type GuardDecision,
  type GuardPolicy,
} from '../src/index.js';

const H = (c: string) => c.repeat(64);
const upstream = {
  meta: { 'api-version': '1.1' },
  name: 'demo-pkg',
  files: [
    {
      filename: 'demo_pkg-1.0.tar.gz',
      url: '../../files/demo_pkg-1.0.tar.gz',
      hashes: { sha256: H('a') },
      'upload-time': '2026-01-01T00:00:00Z',
    },
    {
      filename: 'demo_pkg-1.0-py3-none-any.whl',
      url: 'https://files.example/demo_pkg-1.0-py3-none-any.whl',
      hashes: { sha256: H('b') },
      'requires-python': '>=3.8',
      'upload-time': '2026-01-01T00:05:00Z',
      'core-metadata': { sha256: H('c') },
    },
    {
      filename: 'demo_pkg-1.1.tar.gz',
      url: '/files/demo_pkg-1.1.tar.gz',
      hashes: { sha256: H('d') },
      yanked: 'broken',
      'upload-time': '2026-12-05T00:00:00Z',
    },
    { filename: 'demo_pkg-2.0.tar.gz', url: '/files/demo_pkg-2.0.tar.gz', hashes: { sha256: H('e') } },
    { filename: '../evil.tar.gz', url: '/x', hashes: {} },
    { filename: 'README.txt', url: '/files/README.txt', hashes: {} },
  ],
};
const page = 'https://upstream.example/simple/demo-pkg/';
const policy: GuardPolicy = { refuse: ['malicious', 'inconclusive'], unknown: 'refuse', minAgeHours: 0 };
const now = Date.parse('2026-12-05T06:00:00Z');

describe('parseSimpleProject and simpleReleases', () => {
  it('keeps the attributes pip reads, resolves links, and drops files that cannot be judged', () => {
    const project = parseSimpleProject(upstream, page);
    expect(project.files.map((f) => f.filename)).toEqual([
      'demo_pkg-1.0.tar.gz',
      'demo_pkg-1.0-py3-none-any.whl',
      'demo_pkg-1.1.tar.gz',
      'demo_pkg-2.0.tar.gz',
      'README.txt',
    ]);
    expect(project.files[0]!.url).toBe('https://upstream.example/files/demo_pkg-1.0.tar.gz');
    expect(project.files[1]).toEqual({
      filename: 'demo_pkg-1.0-py3-none-any.whl',
      url: 'https://files.example/demo_pkg-1.0-py3-none-any.whl',
      hashes: { sha256: H('b') },
      'requires-python': '>=3.8',
      'upload-time': '2026-01-01T00:05:00Z',
    });
    const releases = simpleReleases(project, 'Demo.Pkg');
    expect(releases.map((r) => [r.version, r.files.length, r.publishedAt])).toEqual([
      ['1.0', 2, '2026-01-01T00:00:00Z'],
      ['1.1', 1, '2026-12-05T00:00:00Z'],
      ['2.0', 1, null],
    ]);
    expect(() => parseSimpleProject('<html>', page)).toThrow(/not a PEP 691 project page/);
  });
});

describe('the page pip sees', () => {
  const releases = simpleReleases(parseSimpleProject(upstream, page), 'demo-pkg');
  const verdict = (v: 'benign' | 'malicious') => ({ verdict: v, reasons: [{ explanation: 'it ran curl | sh' }] });
  const decisions = (minAgeHours: number, verdicts: Record<string, 'benign' | 'malicious'>) =>
    new Map<string, GuardDecision>(
      releases.map((r) => [
        r.version,
        listingDecision(
          `demo-pkg==${r.version}`,
          { verdict: verdicts[r.version] ? verdict(verdicts[r.version]!) : null, publishedAt: r.publishedAt },
          { ...policy, minAgeHours },
          now,
        ),
      ]),
    );

  it('yanks refused versions with the reason, keeps upstream yanks, lists unknown ones, and links every file through the guard', () => {
    const out = guardSimpleProject('Demo_Pkg', releases, decisions(0, { '1.0': 'malicious' }), 'https://guard/files/demo-pkg');
    expect(out.name).toBe('demo-pkg');
    expect(out.files.map((f) => [f.filename, f.yanked])).toEqual([
      ['demo_pkg-1.0.tar.gz', "Airlock refused it: demo-pkg==1.0 is malicious by Airlock's analysis: it ran curl | sh"],
      ['demo_pkg-1.0-py3-none-any.whl', "Airlock refused it: demo-pkg==1.0 is malicious by Airlock's analysis: it ran curl | sh"],
      ['demo_pkg-1.1.tar.gz', 'broken'],
      ['demo_pkg-2.0.tar.gz', undefined],
    ]);
    expect(out.files.every((f) => f.url === `https://guard/files/demo-pkg/${f.filename}`)).toBe(true);
    expect(out.files[1]).not.toHaveProperty('core-metadata');
  });

  it('holds versions younger than the minimum age, and those the index gives no upload time for', () => {
    const out = guardSimpleProject('demo-pkg', releases, decisions(24, { '1.0': 'benign' }), 'https://guard/files/demo-pkg');
    expect(out.files.map((f) => f.yanked)).toEqual([
      undefined,
      undefined,
      'broken',
      expect.stringMatching(/demo-pkg==2\.0: the registry gives no publication time, so it cannot be checked against .* 24 h/),
    ]);
    const young = decisions(24, {}).get('1.1')!;
    expect(young).toMatchObject({ allow: false, reason: expect.stringMatching(/published 6 h ago; .* at least 24 h old/) });
  });

  it('a download of an unknown version is refused under unknown: refuse, while its listing stays', () => {
    const facts = { verdict: null, publishedAt: '2026-01-01T00:00:00Z' };
    expect(listingDecision('demo-pkg==2.0', facts, policy, now)).toEqual({ allow: true, unknown: true });
    expect(guardDecision('demo-pkg==2.0', facts, policy, now)).toMatchObject({
      allow: false,
      reason: expect.stringMatching(/not been analysed yet/),
    });
  });

  it('renders PEP 691 JSON and escaped PEP 503 HTML', () => {
    const out = guardSimpleProject('demo-pkg', releases, decisions(0, { '1.0': 'malicious' }), 'https://guard/files/demo-pkg');
    const json = JSON.parse(renderSimpleJson(out, ['1.0', '1.1', '2.0'])) as { meta: object; versions: string[]; files: unknown[] };
    expect(json.meta).toEqual({ 'api-version': '1.1' });
    expect(json.versions).toEqual(['1.0', '1.1', '2.0']);
    expect(json.files).toHaveLength(4);
    const html = renderSimpleHtml(out);
    expect(html).toContain(
      `<a href="https://guard/files/demo-pkg/demo_pkg-1.0-py3-none-any.whl#sha256=${H('b')}" data-requires-python="&gt;=3.8" data-yanked="Airlock refused it: demo-pkg==1.0 is malicious by Airlock's analysis: it ran curl | sh">demo_pkg-1.0-py3-none-any.whl</a>`,
    );
    expect(html).toContain(`<a href="https://guard/files/demo-pkg/demo_pkg-2.0.tar.gz#sha256=${H('e')}">demo_pkg-2.0.tar.gz</a>`);
  });
});

describe('negotiateSimpleFormat', () => {
  it.each([
    ['application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01', 'json'],
    ['application/vnd.pypi.simple.v1+html', 'html-v1'],
    ['text/html', 'html'],
    [undefined, 'html'],
    ['*/*', 'json'],
    ['text/html;q=0.5, application/vnd.pypi.simple.v1+json;q=0.4', 'html'],
    ['application/json', null],
    ['application/vnd.pypi.simple.v1+json;q=0', null],
  ])('%s -> %s', (accept, format) => {
    expect(negotiateSimpleFormat(accept)).toBe(format);
  });
});

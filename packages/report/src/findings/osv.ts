/**
 * OSV records (https://ossf.github.io/osv-schema/) for malicious packages, in the shape the OpenSSF malicious
 * packages feed uses (`MAL-` ids there, `AIRLOCK-` here): one record per package version, `affected` naming
 * that exact version, `database_specific` carrying the evidence. Only `malicious`: OSV has no "unsure".
 */
import { purlOf, type PackageFinding } from './package-finding.js';

const OSV_ECOSYSTEM = { npm: 'npm', pypi: 'PyPI' } as const;

export interface OsvOptions {
  /** When the verdicts were made (ISO 8601); OSV requires `modified`. */
  modified: string;
}

/** Readable and stable: the same package version always gets the same id (`AIRLOCK-npm-_at_scope_name-1.0.0`). */
function osvId(f: PackageFinding): string {
  const safe = (s: string) => s.replace(/@/g, '_at_').replace(/[^A-Za-z0-9._-]/g, '_');
  return `AIRLOCK-${f.ecosystem}-${safe(f.name)}-${safe(f.version)}`;
}

export function toOsv(findings: readonly PackageFinding[], options: OsvOptions): object[] {
  return findings
    .filter((f) => f.verdict === 'malicious')
    .map((f) => ({
      schema_version: '1.6.0',
      id: osvId(f),
      modified: options.modified,
      published: options.modified,
      summary: `Malicious code in ${f.name} (${OSV_ECOSYSTEM[f.ecosystem]})`,
      details: [
        `Airlock ran ${f.name}@${f.version} in its sandbox and found it malicious (score ${f.score}):`,
        ...f.reasons.map((r) => `- ${r.explanation}`),
      ].join('\n'),
      affected: [
        { package: { ecosystem: OSV_ECOSYSTEM[f.ecosystem], name: f.name, purl: purlOf(f).replace(/@[^@]*$/, '') }, versions: [f.version] },
      ],
      ...(f.reportUri ? { references: [{ type: 'REPORT', url: f.reportUri }] } : {}),
      database_specific: { airlock: { verdict: f.verdict, score: f.score, reasons: f.reasons } },
    }));
}

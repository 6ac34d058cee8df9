/**
 * SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one result per flagged package, located at
 * its lockfile line, whose rule is the strongest reason of its verdict (or `airlock/inconclusive` for a run
 * that could not see everything). Rules carry help text, so a reviewer can act without opening Airlock.
 */
import { ruleHelp } from '@airlock/scoring';
import { FLAGGED, purlOf, type PackageFinding } from './package-finding.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INCONCLUSIVE_RULE = 'airlock/inconclusive';
const INCONCLUSIVE_HELP =
  'The sandbox could not observe the whole run (a phase timed out, processes outlived it, or evidence was lost), so Airlock does not call the package clean. Re-run it, or accept it explicitly.';

const LEVEL = { malicious: 'error', inconclusive: 'warning', suspicious: 'warning', benign: 'none' } as const;
/** GitHub orders alerts by this (0-10): malicious is critical, the rest medium. */
const SECURITY_SEVERITY = { malicious: '9.5', inconclusive: '5.0', suspicious: '4.0', benign: '0.0' } as const;

export interface SarifOptions {
  /** The inventory's path as the repository names it (relative, forward slashes). */
  inventoryUri: string;
  toolVersion: string;
}

function ruleOf(f: PackageFinding): string {
  if (f.verdict === 'inconclusive' || f.reasons.length === 0) return INCONCLUSIVE_RULE;
  return f.reasons[0]!.rule;
}

function message(f: PackageFinding): string {
  const reasons = f.reasons.slice(0, 5).map((r) => `- ${r.explanation}`);
  const blind = f.notObserved.filter((n) => n.hidesBehaviour).map((n) => `- not observed: ${n.message}`);
  return [
    `${f.name}@${f.version} (${f.ecosystem}) is ${f.verdict} (score ${f.score}).`,
    ...reasons,
    ...blind,
    ...(f.reportUri ? [`Report: ${f.reportUri}`] : []),
  ].join('\n');
}

export function toSarif(findings: readonly PackageFinding[], options: SarifOptions): object {
  const flagged = findings.filter((f) => FLAGGED.includes(f.verdict));
  const ruleIds = [...new Set(flagged.map(ruleOf))];
  const rules = ruleIds.map((id) => {
    const help = id === INCONCLUSIVE_RULE ? INCONCLUSIVE_HELP : ruleHelp(id);
    const worst = flagged.find((f) => ruleOf(f) === id)!;
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()),
      shortDescription: { text: id === INCONCLUSIVE_RULE ? 'Package behaviour not fully observed' : `Airlock rule ${id}` },
      fullDescription: { text: help },
      help: { text: help, markdown: help },
      defaultConfiguration: { level: LEVEL[worst.verdict] },
      properties: { tags: ['security', 'supply-chain', 'malicious-package'], 'security-severity': SECURITY_SEVERITY[worst.verdict] },
    };
  });
  const results = flagged.map((f) => ({
    ruleId: ruleOf(f),
    ruleIndex: ruleIds.indexOf(ruleOf(f)),
    level: LEVEL[f.verdict],
    message: { text: message(f) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: options.inventoryUri },
          ...(f.line ? { region: { startLine: f.line } } : {}),
        },
        logicalLocations: [{ name: `${f.name}@${f.version}`, fullyQualifiedName: purlOf(f), kind: 'package' }],
      },
    ],
    partialFingerprints: { 'airlockPackage/v1': purlOf(f) },
    properties: { verdict: f.verdict, score: f.score, purl: purlOf(f), rules: f.reasons.map((r) => r.rule) },
  }));
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'Airlock', version: options.toolVersion, informationUri: 'https://github.com/airlock-dev/airlock', rules },
        },
        artifacts: [{ location: { uri: options.inventoryUri } }],
        results,
      },
    ],
  };
}

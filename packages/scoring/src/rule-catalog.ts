/** Every dynamic rule with its fixed weight, severity and tactic: one table, so the README and code agree. */
import type { RuleSeverity, Tactic } from './types.js';

export interface RuleSpec {
  severity: RuleSeverity;
  tactic: Tactic;
  weight: number;
  conclusive: boolean;
}

const conclusive = (tactic: Tactic): RuleSpec => ({ severity: 'critical', tactic, weight: 100, conclusive: true });
const weighted = (tactic: Tactic, weight: number): RuleSpec => ({
  severity: weight >= 60 ? 'high' : weight >= 30 ? 'medium' : 'low',
  tactic,
  weight,
  conclusive: false,
});

export const RULES = {
  'honeytoken-exfiltration': conclusive('exfiltration'),
  'download-execute': conclusive('execution'),
  'pipe-to-shell': conclusive('execution'),
  'reverse-shell.command': conclusive('command-and-control'),
  'download-execute.own-folder': weighted('execution', 35),
  'dropped-file-execute': weighted('execution', 40),
  'credential-access': weighted('credential-access', 45),
  // Config loaders (npm-conf, rc, get-proxy, dotenv) read these as a matter of course: below suspicious alone,
  // it adds to any other rule; a token that leaves is honeytoken-exfiltration, conclusive.
  'credential-access.config': weighted('credential-access', 20),
  'lifecycle-shell': weighted('execution', 25),
  // Decode-then-exec that ran at install: no benign corpus package does it (GuardDog's exec-base64 rule
  // agrees): malicious alone, whatever the decoded payload then manages on Linux.
  'obfuscated-install-exec': weighted('execution', 70),
  // The same in a Python top-level module the import loaded (rules/obfuscation.ts): suspicious alone, the line may not have run.
  'obfuscated-import-exec': weighted('execution', 40),
  'setup-script-shell': weighted('execution', 30),
  'windows-payload-attempt': weighted('execution', 45),
  // A hidden or encoded PowerShell, a download cradle, a DLL through rundll32, a Run key: no installer does
  // these (benign Windows calls are `cmd /c mklink`, PowerShell asked where Visual Studio is). Malicious alone.
  'windows-payload.launch': weighted('execution', 70),
  // Code written into %APPDATA% (roaming), Startup or ProgramData in the windows view (rules/windows-drop.ts):
  // suspicious alone; with a download or any egress, malicious.
  'windows-payload.drop': weighted('persistence', 45),
  'network-egress': weighted('command-and-control', 25),
  'exfiltration-like-egress': weighted('exfiltration', 40),
  'exfiltration.collector': weighted('exfiltration', 45),
  // A file-sharing or paste link as a download source (rules/network.ts): with the egress it is, malicious.
  'download.file-sharing': weighted('command-and-control', 45),
  // The run's fresh hostname sent to an unknown destination: the machine fingerprinted for its owner (rules/host-details.ts).
  'host-details-exfiltration': weighted('exfiltration', 70),
  'reverse-shell.port': weighted('command-and-control', 50),
  // Installing code to run at login, on a schedule or on the next git command is never part of a package's
  // install (no benign corpus package does it): alone enough for `malicious`.
  persistence: weighted('persistence', 70),
  'mining.pool': weighted('resource-hijacking', 60),
  'mining.miner-binary': weighted('resource-hijacking', 80),
  'destructive-writes': weighted('impact', 70),
  'environment-dump': weighted('credential-access', 35),
  'sandbox-evasion': weighted('defense-evasion', 30),
  // Signals to the runner, writes into its folders, ptrace attaches (rules/tampering.ts): nothing benign does them.
  'evidence-tampering': conclusive('defense-evasion'),
  // A cut record is not proof (a huge build can fill a cap), but the run is not clean: suspicious, never malicious alone.
  'self-propagation.npm-publish': weighted('impact', 80),
  'self-propagation.github-api': weighted('exfiltration', 60),
  // Against the previous version of the same package (rules/update-drift.ts).
  'update.new-destinations': weighted('command-and-control', 30),
  'update.new-sensitive-access': weighted('credential-access', 30),
  'update.new-programs': weighted('execution', 15),
} as const satisfies Record<string, RuleSpec>;

export type RuleId = keyof typeof RULES;

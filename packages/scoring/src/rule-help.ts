/**
 * One sentence per rule for people who read a finding outside Airlock (SARIF rule help, OSV records): what the
 * package did, and what benign software does differently. Typed against RULES, so a new rule without help
 * does not compile.
 */
import type { RuleId } from './rule-catalog.js';

const RULE_HELP: Record<RuleId, string> = {
  'honeytoken-exfiltration':
    'A planted credential (npm, cloud or SSH token) left the sandbox in traffic. No benign package sends credentials it was never given to anyone.',
  'download-execute':
    'Code fetched over the network was written and executed. Benign installers that download binaries verify and run them from their own package folder, not from temporary or home paths.',
  'pipe-to-shell':
    'A download was piped into a shell (`curl ... | sh`). Benign packages ship their scripts instead of running remote ones.',
  'reverse-shell.command':
    'A shell was started with its input and output bound to a network connection. Benign software never hands a shell to a remote host.',
  'download-execute.own-folder':
    "A downloaded file was executed from the package's own folder. Benign binary installers do this too, so it weighs only with other evidence.",
  'dropped-file-execute':
    'A file written during the run was executed from outside the package folder. Benign builds run what they compiled inside their own tree.',
  'credential-access':
    'Credential stores (SSH keys, cloud, browser or wallet files) were read. Benign packages read their own configuration, not other programs’ secrets.',
  'credential-access.config':
    'Tool configuration that can hold tokens (.npmrc, .gitconfig, .pypirc) was read by package code, not by the package manager.',
  'lifecycle-shell':
    'An install script started a shell that ran further commands. Left out: shells that only run build tools, and a shell that only asks one program for its version (`sh -c "ldd --version"`), which benign installs use to pick a prebuilt binary.',
  'obfuscated-install-exec':
    'At install time, code was decoded (base64, hex, zlib) and then executed. No benign package in the measured corpora does this.',
  'obfuscated-import-exec':
    'A top-level module that the import loaded holds decode-and-execute code. Benign packages keep such code, if at all, in internal modules, never in the first file an import runs.',
  'setup-script-shell': 'setup.py started a shell. Benign setup scripts call compilers and build tools directly.',
  'windows-payload-attempt':
    'A Windows launcher (powershell, cmd, mshta, rundll32, certutil...) was started. Benign cross-platform packages do not start Windows programs to install.',
  'windows-payload.launch':
    'Under the Windows view, a Windows launcher ran a payload (hidden or encoded PowerShell, a download cradle, rundll32 of a DLL, certutil -urlcache, a Run key). Benign Windows support code runs its own binaries, not these.',
  'windows-payload.drop':
    'Under the Windows view, code was written under %APPDATA%, the Startup folder or ProgramData. Benign packages install into their own folder.',
  'host-details-exfiltration':
    "The machine's hostname or profile path was sent to a host no baseline knows (in DNS labels, a URL or a body). Registries remove such beacons as malicious; benign telemetry names no machine.",
  'network-egress': 'The package contacted a host no baseline of benign installs contacts.',
  'exfiltration-like-egress': 'Host or environment details were sent in a request (query string, body or DNS labels) to an unknown host.',
  'exfiltration.collector':
    'Data went to a known collection service (request catchers, out-of-band collectors such as interactsh, Discord webhooks, the Telegram bot API). Benign packages report telemetry to their own hosts.',
  'download.file-sharing':
    "Something was downloaded from a file-sharing or paste link (a Discord attachment, a Google Drive download, a paste's raw text, an anonymous upload). Benign installers fetch from their project's release hosts or a registry.",
  'reverse-shell.port': 'A connection to a port typical of remote shells was made by a process with a shell in its tree.',
  persistence:
    'Code was installed to run at login, on a schedule or on the next git command (shell startup files, cron, systemd units, git hooks outside the project). Hook installers write only into the project that asked.',
  'mining.pool': 'A cryptocurrency mining pool was contacted.',
  'mining.miner-binary': 'A known cryptocurrency miner was executed.',
  'destructive-writes':
    'Files outside the package were deleted or overwritten in bulk (the home folder, other projects). Benign installs change only their own tree.',
  'environment-dump': 'The whole environment was read and written out or sent. Benign tools read the few variables they document.',
  'sandbox-evasion': 'The package checked for analysis environments (containers, debuggers, CPU count, uptime) and changed behaviour.',
  'evidence-tampering':
    "The package signalled, traced or wrote into the analysis tooling. Nothing benign interferes with another program's tracer.",
  'self-propagation.npm-publish': 'The package tried to publish npm packages with the credentials it found (worm behaviour).',
  'self-propagation.github-api': 'The package used GitHub credentials to create repositories, workflows or secrets.',
  'update.new-destinations': 'This version contacts hosts the previous version did not.',
  'update.new-sensitive-access': 'This version reads sensitive files the previous version did not.',
  'update.new-programs': 'This version starts programs the previous version did not.',
};

/** Help for a rule id as it appears in verdict reasons (`static:<id>` signals included). */
export function ruleHelp(rule: string): string {
  if (Object.hasOwn(RULE_HELP, rule)) return RULE_HELP[rule as RuleId];
  if (rule.startsWith('static:'))
    return 'A static signal in the package files (install scripts, obfuscation, typosquatting, manifest confusion). Static signals alone never make a verdict.';
  return 'An Airlock scoring rule; see the analysis report for its evidence.';
}

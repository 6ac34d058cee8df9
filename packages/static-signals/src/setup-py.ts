/**
 * setup.py runs whenever pip builds an sdist, so it is PyPI's install script. Malicious packages put
 * their payload there (often in an overridden `install` command); legitimate ones mostly build
 * extensions. These signals say what the script reaches for.
 */
import { signal, type SignalSeverity, type StaticSignal } from './signal.js';
import { TextPositions } from './text-position.js';

const COMMAND_CLASS =
  /\bclass\s+(\w+)\s*\(\s*(?:[\w.]*\.)?(_?install|develop|egg_info|build_py|build_ext|build|sdist|bdist_egg|bdist_wheel)\s*\)/;
const CMDCLASS_KEY =
  /\bcmdclass\s*=\s*\{[^}]{0,400}?['"](install|develop|egg_info|build_py|build_ext|build|sdist|bdist_egg|bdist_wheel)['"]\s*:/;
const NETWORK =
  /\b(?:urllib\.request\.urlopen|urllib\.request\.urlretrieve|urllib2\.urlopen|urlopen|urlretrieve|requests\.(?:get|post|put|request)|http\.client\.HTTPS?Connection|httpx\.(?:get|post)|socket\.socket|socket\.create_connection)\s*\(/;
const PROCESS =
  /\b(?:subprocess\.(?:Popen|call|run|check_call|check_output|getoutput)|os\.(?:system|popen|exec[lv]p?e?|spawn[lv]p?e?|startfile))\s*\(/;
const DOWNLOAD_COMMAND = /\b(?:curl|wget|Invoke-WebRequest|iwr|certutil\s+-urlcache)\b[^\n'"]{0,100}?https?:\/\//i;
const REVERSE_SHELL = /\/dev\/(?:tcp|udp)\/|os\.dup2\s*\(\s*\w+\.fileno\(\)/;

/** Reports that setup.py exists and what install-time behaviour it reaches for. */
export function analyzeSetupPy(text: string, file = 'setup.py'): StaticSignal[] {
  const pos = new TextPositions(text);
  const at = (re: RegExp): { index: number; match: string; group?: string } | null => {
    const m = re.exec(text);
    return m ? { index: m.index, match: m[0], ...(m[1] !== undefined ? { group: m[1] } : {}) } : null;
  };
  const evidenceAt = (hit: { index: number; match: string }) => ({
    file,
    line: pos.lineOf(hit.index),
    snippet: pos.snippetAt(hit.index, hit.match.length),
    value: hit.match,
  });
  const signals: StaticSignal[] = [
    signal('install-script.setup-py', 'info', 'setup.py runs Python code when pip builds or installs the sdist', { file, value: file }),
  ];

  const command = COMMAND_CLASS.exec(text);
  const cmdKey = command ? null : CMDCLASS_KEY.exec(text);
  const overridden = command?.[2] ?? cmdKey?.[1];
  if (overridden !== undefined) {
    const hit = (command ?? cmdKey)!;
    const base = overridden.replace(/^_/, '');
    const severity: SignalSeverity = ['install', 'develop', 'egg_info'].includes(base) ? 'medium' : 'low';
    signals.push(
      signal(
        'install-script.custom-command',
        severity,
        `setup.py overrides the "${base}" command, so its own code runs during installation`,
        evidenceAt({ index: hit.index, match: hit[0] }),
        { command: base },
      ),
    );
  }
  const network = at(NETWORK) ?? at(DOWNLOAD_COMMAND);
  if (network)
    signals.push(signal('install-script.download', 'medium', 'setup.py makes network requests at install time', evidenceAt(network)));
  const process = at(PROCESS);
  if (process)
    signals.push(signal('install-script.spawns-process', 'low', 'setup.py starts processes at install time', evidenceAt(process)));
  const shell = at(REVERSE_SHELL);
  if (shell)
    signals.push(
      signal('install-script.network-shell', 'high', 'setup.py wires a socket to a shell (reverse shell pattern)', evidenceAt(shell)),
    );
  return signals;
}

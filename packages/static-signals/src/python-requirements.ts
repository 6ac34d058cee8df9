/**
 * Non-index sources in Python requirements (requirements.txt lines or PEP 508 strings from
 * pyproject/setup.cfg): VCS and URL requirements skip PyPI's hashes, local paths are not
 * installable from an index, and an extra index URL is how dependency confusion reaches pip
 * (pip takes the highest version from any index).
 */
import { signal, type SignalSeverity, type StaticSignal } from './signal.js';

interface LogicalLine {
  text: string;
  line: number;
}

/** Joins `\` continuations and drops comments (`#` at the start or after whitespace; `#egg=` stays). */
export function requirementLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const raw = text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let line = raw[i]!;
    while (line.endsWith('\\') && i + 1 < raw.length) line = line.slice(0, -1) + raw[++i]!;
    const stripped = line.replace(/(?:^|\s)#.*$/, '').trim();
    if (stripped !== '') out.push({ text: stripped, line: start + 1 });
  }
  return out;
}

const VCS = /^(?:git|hg|svn|bzr)\+[a-z]+:\/\/|^git\+git@|^git@/i;

/** Signals for every requirement or option that points outside the package index. */
export function checkRequirements(text: string, file = 'requirements.txt'): StaticSignal[] {
  const out: StaticSignal[] = [];
  for (const { text: line, line: lineNo } of requirementLines(text)) {
    const evidence = (value: string) => ({ file, line: lineNo, snippet: line, value });
    const option = /^(-i|--index-url|--extra-index-url|-f|--find-links|-e|--editable)(?:\s*=\s*|\s+)(\S+)/.exec(line);
    if (option) {
      const [, flag, value] = option as unknown as [string, string, string];
      if (flag === '-i' || flag === '--index-url' || flag === '--extra-index-url') {
        const extra = flag === '--extra-index-url';
        const severity: SignalSeverity = /^http:/i.test(value) ? 'high' : 'medium';
        out.push(
          signal(
            'dependency-source.extra-index',
            severity,
            extra
              ? `adds the package index ${value}: pip picks the highest version from any index (dependency confusion)`
              : `replaces PyPI with the package index ${value}`,
            evidence(value),
            { option: flag },
          ),
        );
        continue;
      }
      if (flag === '-f' || flag === '--find-links') {
        out.push(
          classified(value, evidence(value), `${flag} `) ??
            signal('dependency-source.url', 'medium', `finds packages at ${value}`, evidence(value), { option: flag }),
        );
        continue;
      }
      const editable = classified(value, evidence(value), 'editable ');
      if (editable) out.push(editable);
      continue;
    }
    if (line.startsWith('-')) continue; // -r/-c includes and other options: the caller reads those files.
    const direct = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*@\s*(\S+)/.exec(line);
    const target = direct ? direct[2]! : line.split(/[\s;]/)[0]!;
    const found = classified(target, evidence(target), direct ? `"${direct[1]}" ` : '');
    if (found) out.push(found);
  }
  return out;
}

function classified(
  target: string,
  evidence: { file: string; line: number; snippet: string; value: string },
  what: string,
): StaticSignal | null {
  if (VCS.test(target)) {
    return signal(
      'dependency-source.git',
      'medium',
      `${what}requirement from a version-control repository (no index hashes): ${target}`,
      evidence,
      { kind: 'git' },
    );
  }
  if (/^https?:\/\//i.test(target)) {
    const plain = /^http:/i.test(target);
    return signal(
      'dependency-source.url',
      plain ? 'high' : 'medium',
      `${what}requirement downloaded from ${plain ? 'a plain-HTTP URL' : 'a URL outside the index'}: ${target}`,
      evidence,
      { kind: 'url' },
    );
  }
  if (/^(?:file:|\.{1,2}(?:[\\/]|$)|\/|~\/|[a-z]:[\\/])/i.test(target) || /\.(?:whl|tar\.gz|zip|tgz)$/i.test(target)) {
    return signal('dependency-source.file', 'low', `${what}requirement from a local path: ${target}`, evidence, { kind: 'file' });
  }
  return null;
}

/**
 * A small shell-command splitter for npm lifecycle scripts: enough to tell which programs a script
 * starts, with which arguments, and which ones read a pipe. It never evaluates anything.
 */

export interface ShellSegment {
  /** Words with quotes removed; leading `VAR=value` assignments and wrappers (env, cross-env, sudo…) dropped. */
  words: string[];
  /** True when the previous segment's output is piped into this one (`curl … | sh`). */
  piped: boolean;
}

/** Programs that just run the rest of their argument list, so the real command comes after them. */
const WRAPPERS = new Set(['env', 'cross-env', 'nohup', 'exec', 'time', 'sudo', 'command', 'nice', 'npx', 'run-script-os']);

/** Splits a script on `;`, `&&`, `||`, `&`, `|`, newlines and command substitutions outside quotes. */
export function splitShellCommand(script: string): ShellSegment[] {
  const segments: ShellSegment[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let piped = false;

  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endSegment = (nextPiped: boolean): void => {
    endWord();
    const cleaned = stripPrefixes(words);
    if (cleaned.length > 0) segments.push({ words: cleaned, piped });
    words = [];
    piped = nextPiped;
  };

  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === '\\' && i + 1 < script.length) {
      word += script[++i];
      inWord = true;
    } else if (c === "'" || c === '"') {
      const close = findClosingQuote(script, i);
      word += unescapeQuoted(script.slice(i + 1, close), c);
      inWord = true;
      i = close;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '\n' || c === ';' || c === '`' || c === ')' || (c === '(' && !inWord) || (c === '$' && script[i + 1] === '(')) {
      // Subshells, command substitutions `$(…)` and backticks run commands of their own.
      if (c === '$') i++;
      endSegment(false);
    } else if (c === '|') {
      const isOr = script[i + 1] === '|';
      if (isOr) i++;
      endSegment(!isOr);
    } else if (c === '&') {
      // `2>&1` and `>&` are redirections, not separators.
      if (script[i - 1] === '>' || script[i + 1] === '>') {
        word += c;
        inWord = true;
      } else {
        if (script[i + 1] === '&') i++;
        endSegment(false);
      }
    } else {
      word += c;
      inWord = true;
    }
  }
  endSegment(false);
  return segments;
}

function findClosingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

function unescapeQuoted(body: string, quote: string): string {
  return quote === '"' ? body.replace(/\\(["\\$`])/g, '$1') : body;
}

function stripPrefixes(words: string[]): string[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) i++;
    else if (WRAPPERS.has(programName(w)) && i + 1 < words.length) i++;
    else if (i > 0 && w.startsWith('-') && WRAPPERS.has(programName(words[i - 1]!))) i++;
    else break;
  }
  return words.slice(i);
}

/** `/usr/bin/node`, `node.exe`, `NODE` -> `node`. */
export function programName(word: string): string {
  const base = word.split(/[\\/]/).pop() ?? word;
  return base.toLowerCase().replace(/\.exe$/, '');
}

/** Linear scans for long runs of characters (base64, hex, JSFuck): no backtracking regex on hostile input. */

export interface CharacterRun {
  start: number;
  end: number;
}

/** Maximal runs of characters accepted by `inRun`, at least `minLength` long, in one pass. */
export function findRuns(text: string, inRun: (code: number) => boolean, minLength: number, maxRuns = 1000): CharacterRun[] {
  const runs: CharacterRun[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const accepted = i < text.length && inRun(text.charCodeAt(i));
    if (accepted && start < 0) start = i;
    else if (!accepted && start >= 0) {
      if (i - start >= minLength) {
        runs.push({ start, end: i });
        if (runs.length >= maxRuns) break;
      }
      start = -1;
    }
  }
  return runs;
}

export const isBase64Char = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61 || c === 45 || c === 95;

export const isHexChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** JSFuck writes any program with the six characters `[]()!+`. */
export const isJsFuckChar = (c: number): boolean => c === 91 || c === 93 || c === 40 || c === 41 || c === 33 || c === 43;

/** A base64 payload mixes upper case, lower case and digits; a long identifier or a word list does not. */
export function looksLikeBase64(s: string): boolean {
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s) && !/[=]/.test(s.replace(/=+$/, '')) && !(/[+/]/.test(s) && /[-_]/.test(s));
}

/** Small text helpers for the terminal rendering; every value shown comes from an untrusted package. */

/** Control characters (newlines, ANSI escapes) as `\xNN`, so a package cannot forge lines or colour the terminal. */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Cuts to `width` characters, marking the cut with how much was left out. */
export function shorten(text: string, width: number): string {
  if (text.length <= width) return text;
  return `${text.slice(0, width)}… (+${text.length - width} chars)`;
}

/** A command line as a shell would show it, arguments with spaces or quotes quoted. */
export function commandLine(argv: readonly string[], width: number): string {
  return shorten(argv.map(quoteArg).join(' '), width);
}

function quoteArg(arg: string): string {
  if (arg !== '' && !/[\s'"\\$`;|&<>]/.test(arg)) return arg;
  if (!arg.includes("'")) return `'${arg}'`;
  if (!/["\\$`]/.test(arg)) return `"${arg}"`;
  return JSON.stringify(arg);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

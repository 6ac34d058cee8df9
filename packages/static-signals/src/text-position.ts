/** Line numbers and bounded snippets for matches in source text, computed once per file. */
import { MAX_SNIPPET_CHARS } from './signal.js';

export class TextPositions {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /** 1-based line of a character offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** The text around a match, within its line, at most MAX_SNIPPET_CHARS, whitespace collapsed. */
  snippetAt(offset: number, length = 0): string {
    const line = this.lineOf(offset);
    const lineStart = this.lineStarts[line - 1]!;
    const next = this.lineStarts[line];
    const lineEnd = next === undefined ? this.text.length : next - 1;
    const budget = MAX_SNIPPET_CHARS - 2;
    const before = Math.max(0, Math.floor((budget - Math.min(length, budget)) / 2));
    const start = Math.max(lineStart, offset - before);
    const end = Math.min(lineEnd, start + budget);
    const core = this.text.slice(start, end).replace(/\s+/g, ' ').trim();
    return `${start > lineStart ? '…' : ''}${core}${end < lineEnd ? '…' : ''}`;
  }

  /** Offset of the first character of a 1-based line. */
  offsetOfLine(line: number): number {
    return this.lineStarts[Math.min(Math.max(line, 1), this.lineStarts.length) - 1]!;
  }

  /** Length of the longest line: minified code has lines of thousands of characters. */
  longestLine(): { line: number; length: number } {
    let best = { line: 1, length: 0 };
    for (let i = 0; i < this.lineStarts.length; i++) {
      const end = i + 1 < this.lineStarts.length ? this.lineStarts[i + 1]! - 1 : this.text.length;
      const length = end - this.lineStarts[i]!;
      if (length > best.length) best = { line: i + 1, length };
    }
    return best;
  }
}

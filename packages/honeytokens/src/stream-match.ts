import type { Honeytoken } from '@airlock/core';
import { needlesFor, type Needle } from './encodings.js';

/** What a streaming search needs of a planted token (the fake internet gets only these fields). */
export type SearchedToken = Pick<Honeytoken, 'id' | 'kind' | 'value'>;

export interface StreamHit {
  token: SearchedToken;
  encoding: Needle['encoding'];
}

/**
 * The needles of every planted token, made once per run and shared by every flow's `StreamMatcher` (making
 * them costs more than searching a datagram).
 */
export class TokenSearch {
  readonly searches: readonly { token: SearchedToken; needles: Needle[] }[];
  /** The longest needle of any token, in characters. */
  readonly longest: number;

  constructor(tokens: readonly SearchedToken[]) {
    this.searches = tokens.map((token) => ({ token, needles: needlesFor(token.value) }));
    this.longest = Math.max(0, ...this.searches.flatMap((s) => s.needles.map((n) => n.text.length)));
  }

  /** A fresh search of one flow. */
  matcher(): StreamMatcher {
    return new StreamMatcher(this);
  }
}

/**
 * Searches one flow for planted values as its bytes arrive, in bounded memory: it keeps only the last
 * `window - 1` characters of what it saw (the longest needle of any token, less one), so a value cut in two
 * by a chunk boundary is still found, whatever came before it (80 KB of filler, a first request of a
 * keep-alive connection). Each token is reported once per flow, in the first encoding found.
 * Text is latin1 (one character per byte): the planted values are ASCII.
 */
export class StreamMatcher {
  private readonly searches: { token: SearchedToken; needles: Needle[] }[];
  private readonly keep: number;
  private tail = '';

  constructor(search: TokenSearch | readonly SearchedToken[]) {
    const prepared = search instanceof TokenSearch ? search : new TokenSearch(search);
    this.searches = [...prepared.searches];
    this.keep = Math.max(0, prepared.longest - 1);
  }

  /** Characters kept between chunks (the overlap window). */
  get windowChars(): number {
    return this.keep;
  }

  /** Feeds the next bytes of the flow (latin1); returns the tokens found for the first time. */
  push(text: string): StreamHit[] {
    if (this.searches.length === 0 || text.length === 0) return [];
    const haystack = this.tail + text;
    let lower: string | null = null;
    const hits: StreamHit[] = [];
    for (let i = 0; i < this.searches.length; i++) {
      const { token, needles } = this.searches[i]!;
      const needle = needles.find((n) =>
        n.caseInsensitive ? (lower ??= haystack.toLowerCase()).includes(n.text.toLowerCase()) : haystack.includes(n.text),
      );
      if (!needle) continue;
      hits.push({ token, encoding: needle.encoding });
      this.searches.splice(i--, 1);
    }
    // A copy, not a slice: a sliced string keeps the whole chunk it came from alive (a held flow would cost its
    // last chunk, not its window).
    this.tail = this.keep > 0 ? flatCopy(haystack.slice(-this.keep)) : '';
    return hits;
  }
}

/** `text` as a string of its own (latin1 round trip), detached from any string it was sliced from. */
function flatCopy(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

/** How a secret may be dressed up on its way out; each needle is searched case-sensitively unless noted. */
export interface Needle {
  encoding: 'raw' | 'base64' | 'hex' | 'url' | 'reversed';
  text: string;
  /** DNS names are case-insensitive, and hex may be either case. */
  caseInsensitive: boolean;
}

/**
 * The forms of `value` worth searching for. Base64 of a secret embedded in a longer string depends on
 * its offset mod 3, so all three alignments are included, with the edge characters that depend on
 * neighbouring bytes cut off.
 */
export function needlesFor(value: string): Needle[] {
  const bytes = Buffer.from(value, 'utf8');
  const needles: Needle[] = [
    { encoding: 'raw', text: value, caseInsensitive: false },
    { encoding: 'hex', text: bytes.toString('hex'), caseInsensitive: true },
    { encoding: 'url', text: encodeURIComponent(value), caseInsensitive: false },
    { encoding: 'reversed', text: [...value].reverse().join(''), caseInsensitive: false },
  ];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    const start = pad === 0 ? 0 : Math.ceil((pad * 4) / 3) + 1;
    const end = encoded.length - 2;
    if (end - start >= 12) needles.push({ encoding: 'base64', text: encoded.slice(start, end), caseInsensitive: false });
  }
  return needles.filter((n, i, all) => n.text.length >= 8 && all.findIndex((m) => m.text === n.text) === i);
}

export function findNeedle(haystack: string, needles: Needle[]): Needle | null {
  let lower: string | null = null;
  for (const needle of needles) {
    if (needle.caseInsensitive) {
      lower ??= haystack.toLowerCase();
      if (lower.includes(needle.text.toLowerCase())) return needle;
    } else if (haystack.includes(needle.text)) return needle;
  }
  return null;
}

/**
 * A confusable-character skeleton (in the spirit of Unicode TR39) for package names: two names with
 * the same skeleton look alike to a reader. Covers the ASCII look-alikes that registries accept
 * (`I`/`l`/`1`, `0`/`o`, `rn`/`m`, `vv`/`w`) and the Cyrillic and Greek letters used in homograph attacks.
 */

const CHARACTER_SKELETON: Record<string, string> = {
  // ASCII look-alikes (the case-sensitive ones must be mapped before lower-casing).
  I: 'l',
  '1': 'l',
  '|': 'l',
  '0': 'o',
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ԁ: 'd',
  һ: 'h',
  ԛ: 'q',
  ԝ: 'w',
  ɡ: 'g',
  ӏ: 'l',
  // Greek
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  // Latin variants
  ı: 'i',
  ȷ: 'j',
  ł: 'l',
  ß: 'ss',
};

const SEQUENCE_SKELETON: readonly [RegExp, string][] = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
];

/** NFKC folds full-width and compatibility forms; then look-alikes map to one representative. */
export function confusableSkeleton(name: string): string {
  let out = '';
  for (const ch of name.normalize('NFKC')) out += CHARACTER_SKELETON[ch] ?? ch;
  out = out
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
  for (const [re, to] of SEQUENCE_SKELETON) out = out.replace(re, to);
  return out;
}

/** True when the name uses any character outside printable ASCII: never valid in a new npm or PyPI name. */
export function hasNonAscii(name: string): boolean {
  return /[^\x20-\x7e]/.test(name);
}

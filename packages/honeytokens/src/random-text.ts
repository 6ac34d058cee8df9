/** Source of random bytes, given by the caller (node:crypto in the adapter, a seeded one in tests). */
export type RandomBytes = (n: number) => Uint8Array;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function fromAlphabet(random: RandomBytes, alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

export const base62 = (r: RandomBytes, n: number) => fromAlphabet(r, BASE62, n);
export const base32 = (r: RandomBytes, n: number) => fromAlphabet(r, BASE32, n);
export const hex = (r: RandomBytes, n: number) => fromAlphabet(r, HEX, n);
export const base64chars = (r: RandomBytes, n: number) => fromAlphabet(r, BASE64, n);
export const digits = (r: RandomBytes, n: number) => fromAlphabet(r, '0123456789', n);

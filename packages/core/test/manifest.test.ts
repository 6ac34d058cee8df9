import { describe, expect, it } from 'vitest';
import { parseNpmManifest } from '../src/package.js';

describe('parseNpmManifest', () => {
  it('returns name and version', () => {
    expect(parseNpmManifest('{"name":"left-pad","version":"1.3.0","main":"index.js"}')).toEqual({ name: 'left-pad', version: '1.3.0' });
    expect(parseNpmManifest('{"name":"@types/node","version":"20.1.0"}').name).toBe('@types/node');
  });
  it('defaults a missing version to 0.0.0', () => {
    expect(parseNpmManifest('{"name":"x"}').version).toBe('0.0.0');
  });
  it.each([
    ['[]', /not an object/],
    ['null', /not an object/],
    ['{"version":"1.0.0"}', /no valid "name"/],
    ['{"name":"/etc/passwd"}', /no valid "name"/],
    ['{"name":"a b"}', /no valid "name"/],
    ['{"name":"ok","version":3}', /not a string/],
    ['{', /not valid JSON/],
  ])('rejects %s', (text, message) => {
    expect(() => parseNpmManifest(text)).toThrow(message);
  });
});

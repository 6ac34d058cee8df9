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

describe('parsePythonMetadata', () => {
  it('reads Name and Version from PKG-INFO headers', async () => {
    const { parsePythonMetadata } = await import('../src/package.js');
    expect(parsePythonMetadata('Metadata-Version: 2.1\nName: adgrand\nVersion: 6.67\nSummary: x\n\nName: body-is-ignored\n')).toEqual({
      name: 'adgrand',
      version: '6.67',
    });
    expect(parsePythonMetadata('Metadata-Version: 2.1\r\nName: anku2-rce\r\nVersion: 0.0.2\r\n')).toEqual({
      name: 'anku2-rce',
      version: '0.0.2',
    });
  });
  it.each([
    ['Metadata-Version: 2.1\nVersion: 1.0\n', /no valid Name/],
    ['Name: ../../x\nVersion: 1\n', /no valid Name/],
    ['Name: ok\n', /no valid Version/],
    ['Name: ok\nVersion: 1 2\n', /no valid Version/],
  ])('rejects %j', async (text, message) => {
    const { parsePythonMetadata } = await import('../src/package.js');
    expect(() => parsePythonMetadata(text)).toThrow(message);
  });
});

import { describe, expect, it } from 'vitest';
import { npmrcOptions, parseNpmrc, privateRegistryNpmrc } from '../src/npmrc.js';

describe('parseNpmrc', () => {
  it('reads the default registry, scoped registries and registry credentials, ignoring the rest', () => {
    const config = parseNpmrc(
      [
        '# company settings',
        'registry=https://npm.internal.example/repository/npm',
        '@Acme:registry = "https://npm.acme.example/"',
        '//npm.acme.example/:_authToken=${ACME_TOKEN}',
        'fund=false',
        'save-exact=true',
      ].join('\n'),
      { ACME_TOKEN: 'tok-123' },
    );
    expect(config).toEqual({
      registry: 'https://npm.internal.example/repository/npm/',
      scopes: { '@acme': 'https://npm.acme.example/' },
      auth: { '//npm.acme.example/:_authToken': 'tok-123' },
    });
    expect(npmrcOptions(config)).toEqual({ '@acme:registry': 'https://npm.acme.example/', '//npm.acme.example/:_authToken': 'tok-123' });
  });

  it('refuses what npm would refuse, with the line number', () => {
    expect(() => parseNpmrc('registry=not a url')).toThrow(/line 1: "not a url" is not a URL/);
    expect(() => parseNpmrc('\n@x:registry=file:///etc/passwd')).toThrow(/line 2: registry URLs are http\(s\)/);
    expect(() => parseNpmrc('//r.example/:_authToken=${MISSING}')).toThrow(/MISSING\} is not set/);
    expect(() => parseNpmrc('just-a-word')).toThrow(/expected key=value/);
  });
});

describe('privateRegistryNpmrc', () => {
  it("maps an organization's scopes to its registry, and its token to that host and path only", () => {
    expect(privateRegistryNpmrc({ url: 'https://npm.acme.example/repo/npm', scopes: ['@Acme', '@acme-tools'], token: 'tok' })).toEqual({
      scopes: { '@acme': 'https://npm.acme.example/repo/npm/', '@acme-tools': 'https://npm.acme.example/repo/npm/' },
      auth: { '//npm.acme.example/repo/npm/:_authToken': 'tok' },
    });
  });

  it('with no scopes the registry serves every package; with no token nothing is sent', () => {
    expect(privateRegistryNpmrc({ url: 'http://127.0.0.1:4873/', scopes: [], token: null })).toEqual({
      registry: 'http://127.0.0.1:4873/',
      scopes: {},
      auth: {},
    });
  });
});

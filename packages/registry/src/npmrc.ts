/**
 * The registry settings of an .npmrc, so an organization's private registry and scoped registries work
 * as they do for npm: `registry=`, `@scope:registry=`, and `//host/path/:_authToken=` lines. Other keys
 * are ignored (they configure npm itself, not where packages come from). Pure: the caller reads the file.
 */
export interface NpmRegistryConfig {
  registry?: string;
  /** `@scope` -> registry URL. */
  scopes: Record<string, string>;
  /** npm's nerf-darted keys (`//npm.internal.example/:_authToken`) -> value, passed to pacote as is. */
  auth: Record<string, string>;
}

export function parseNpmrc(text: string, env: NodeJS.ProcessEnv = {}): NpmRegistryConfig {
  const config: NpmRegistryConfig = { scopes: {}, auth: {} };
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`.npmrc line ${index + 1}: expected key=value`);
    const key = line.slice(0, eq).trim();
    // npm expands ${VAR} in values; an unset variable is an error there too.
    const value = line
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .replace(/\$\{([A-Za-z_]\w*)\}/g, (_m, name: string) => {
        const v = env[name];
        if (v === undefined) throw new Error(`.npmrc line ${index + 1}: \${${name}} is not set`);
        return v;
      });
    if (key === 'registry') config.registry = withSlash(checkUrl(value, index));
    else if (/^@[a-z0-9][\w.-]*:registry$/i.test(key))
      config.scopes[key.slice(0, key.indexOf(':')).toLowerCase()] = withSlash(checkUrl(value, index));
    else if (/^\/\/[^\s]+:(?:_authToken|_auth|username|_password|certfile|keyfile)$/.test(key)) config.auth[key] = value;
  }
  return config;
}

/** The options pacote and arborist understand for these settings. */
export function npmrcOptions(config: NpmRegistryConfig): Record<string, string> {
  return { ...Object.fromEntries(Object.entries(config.scopes).map(([scope, url]) => [`${scope}:registry`, url])), ...config.auth };
}

function checkUrl(value: string, index: number): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`.npmrc line ${index + 1}: ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`.npmrc line ${index + 1}: registry URLs are http(s)`);
  return url.href;
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/**
 * The registry settings of one organization's private registry (its service settings): the URL for its
 * scopes (or for every package when it names none), and its token for that URL only, in npm's nerf-darted
 * form, so the token is never sent to another host.
 */
export function privateRegistryNpmrc(registry: { url: string; scopes: readonly string[]; token: string | null }): NpmRegistryConfig {
  const url = withSlash(new URL(registry.url).href);
  const nerfDart = `//${new URL(url).host}${new URL(url).pathname}`;
  return {
    ...(registry.scopes.length === 0 ? { registry: url } : {}),
    scopes: Object.fromEntries(registry.scopes.map((scope) => [scope.toLowerCase(), url])),
    auth: registry.token ? { [`${nerfDart}:_authToken`]: registry.token } : {},
  };
}

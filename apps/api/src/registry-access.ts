/**
 * Which registry a submission is fetched from, and whether the package exists there, for the calling
 * organization: its private registry (its settings, its token) for its private packages, the service's
 * default registry (no credentials) for everything else. Another organization's registry or token is
 * never used, so its private packages are, to everyone else, unknown packages like any other.
 */
import { AirlockError, type Ecosystem } from '@airlock/core';
import { fetchNpmIntegrity, privateRegistryNpmrc, serviceNpmOptions, type FetchNpmOptions } from '@airlock/registry';
import { isPrivatePackage, openNpmRegistry, type OrgSettings } from '@airlock/store';
import type { ApiContext } from './context.js';
import { problems } from './problem.js';

/** The organization that owns the package (its private registry serves it), or null for a public package. */
export function privateOwner(settings: OrgSettings, orgId: string, ecosystem: Ecosystem, name: string): string | null {
  return isPrivatePackage(settings, ecosystem, name) ? orgId : null;
}

function npmOptionsFor(ctx: ApiContext, settings: OrgSettings, privateTo: string | null): FetchNpmOptions {
  const base = serviceNpmOptions(ctx.config);
  if (privateTo === null) return base;
  let registry;
  try {
    registry = openNpmRegistry(settings, ctx.config.secretBox, privateTo)!;
  } catch (err) {
    // A token sealed under another key (the key was changed or lost): the organization must set it again.
    ctx.log.error({ org: privateTo, err: (err as Error).message }, 'the registry token cannot be opened');
    throw problems.unavailable(
      `this organization's registry token cannot be opened (${(err as Error).message}): set it again with PATCH /v1/settings`,
    );
  }
  return { ...base, cacheDir: `${base.cacheDir}-org/${privateTo}`, npmrc: privateRegistryNpmrc(registry) };
}

/**
 * An unknown npm package or version is refused now (422), not hours later. A registry that refuses to
 * answer (401, 403) answers the same as one that does not have the package: anything else would tell an
 * organization which private packages exist behind a registry it has no access to. Only for the caller's
 * own private registry does the answer say that its credentials were refused (its own configuration).
 * An unreachable registry is left to the worker's retries.
 */
export async function assertNpmVersionExists(
  ctx: ApiContext,
  settings: OrgSettings,
  privateTo: string | null,
  name: string,
  version: string,
): Promise<void> {
  try {
    await fetchNpmIntegrity(name, version, npmOptionsFor(ctx, settings, privateTo));
  } catch (err) {
    const message = (err as Error).message;
    const refused = /\bE40[13]\b/.test(message);
    ctx.log.info({ package: `${name}@${version}`, private: privateTo !== null, err: message }, 'registry check refused the package');
    if (refused && privateTo !== null) {
      const token = settings.registries.npm?.tokenLast4 ? 'its token was refused' : 'no token is set';
      throw problems.unprocessable(
        `unknown package: the private registry ${settings.registries.npm!.url} refused ${name}@${version} (${token}): set the token with PATCH /v1/settings`,
      );
    }
    if ((err instanceof AirlockError && err.code === 'INVALID_INPUT') || refused)
      throw problems.unprocessable(`unknown package: ${name}@${version} is not in the registry this organization uses`);
    ctx.log.warn({ package: `${name}@${version}`, err: message }, 'registry check failed; submitting anyway');
  }
}

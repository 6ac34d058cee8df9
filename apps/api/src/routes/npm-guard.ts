/**
 * The npm install-time guard: an npm registry endpoint (`registry=<api>/v1/guard/npm/` in .npmrc, the
 * organization's API key as `_authToken`) in front of the upstream registry. Packuments leave out versions
 * the organization's policy refuses, so ranges resolve to allowed ones; tarballs come through here and are
 * checked again (a lockfile names exact versions), refused with a message npm prints; a version no run has
 * judged is submitted for analysis as it is installed.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { submitAnalysis } from '@airlock/queue';
import { DEFAULT_NPM_REGISTRY, guardDecision, guardPackument, listingDecision, tarballVersion, type GuardPolicy } from '@airlock/registry';
import { isPrivatePackage, type OrgSettings } from '@airlock/store';
import { orgOf } from '../auth.js';
import type { ApiContext } from '../context.js';

const UPSTREAM_TIMEOUT_MS = 30_000;

/** npm prints `<status> <text> - GET <url> - <error>` from a JSON body's `error`: the user sees why. */
function refuse(res: Response, status: number, error: string): void {
  res.status(status).type('application/json').send(JSON.stringify({ error }));
}

function upstreamUrl(ctx: ApiContext, path: string): string {
  const registry = (ctx.config.npmRegistry ?? DEFAULT_NPM_REGISTRY).replace(/\/+$/, '');
  return `${registry}/${path}`;
}

/** The package path segment as registries expect it: `@scope%2fname`. */
const encodedName = (name: string): string => (name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name));

function guardBase(req: Request): string {
  return `${req.protocol}://${req.get('host')}${req.baseUrl}`;
}

/**
 * The policy for this request: which verdicts are refused is the organization's setting (`guardRefuses`,
 * PATCH /v1/settings); what happens to unknown and young versions is the service's (AIRLOCK_GUARD_*).
 */
async function policyOf(ctx: ApiContext, res: Response, service: GuardPolicy): Promise<GuardPolicy & { settings: OrgSettings }> {
  const settings = await ctx.store.settings.get(orgOf(res).id);
  return { ...service, refuse: settings.guardRefuses, settings };
}

/**
 * A package of the organization's private registry is never fetched from the public upstream: a public
 * package of that name is the dependency-confusion attack. Its scope belongs in .npmrc, not behind the guard.
 */
function privateRefusal(res: Response, settings: OrgSettings, name: string): boolean {
  if (!isPrivatePackage(settings, 'npm', name)) return false;
  refuse(res, 404, `${name} belongs to your organization's private registry; point its scope at that registry in .npmrc, not at the guard`);
  return true;
}

export function npmGuardRouter(ctx: ApiContext, service: GuardPolicy): Router {
  const router = Router();

  const packument = async (req: Request, res: Response, name: string) => {
    const policy = await policyOf(ctx, res, service);
    if (privateRefusal(res, policy.settings, name)) return;
    const upstream = await fetch(upstreamUrl(ctx, encodedName(name)), {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    }).catch((err: Error) => err);
    if (upstream instanceof Error) return refuse(res, 502, `Airlock could not reach the upstream registry: ${upstream.message}`);
    if (!upstream.ok) return refuse(res, upstream.status, `upstream registry answered ${upstream.status} for ${name}`);
    const doc = (await upstream.json()) as Parameters<typeof guardPackument>[0];
    const versions = Object.keys(doc.versions ?? {});
    const verdicts = await ctx.store.verdicts.latestMany('npm', name, versions);
    const now = Date.now();
    // Unknown versions stay listed: their tarball request decides (and starts their analysis).
    const allowed = new Set(
      versions.filter(
        (v, i) =>
          listingDecision(
            `${name}@${v}`,
            { verdict: verdicts[i]?.verdict ?? null, ...(doc.time?.[v] ? { publishedAt: doc.time[v] } : {}) },
            policy,
            now,
          ).allow,
      ),
    );
    const removed = versions.length - allowed.size;
    if (removed > 0) ctx.log.info({ org: orgOf(res).id, package: name, removed }, 'guard: versions left out of the packument');
    res.set('cache-control', 'private, no-store').json(guardPackument(doc, allowed, guardBase(req)));
  };

  const tarball = async (_req: Request, res: Response, name: string, file: string) => {
    const version = tarballVersion(name, file);
    if (!version) return refuse(res, 400, `${file} is not a tarball name of ${name}`);
    const id = `${name}@${version}`;
    const [[verdict], policy] = await Promise.all([ctx.store.verdicts.latestMany('npm', name, [version]), policyOf(ctx, res, service)]);
    if (privateRefusal(res, policy.settings, name)) return;
    const decision = guardDecision(id, { verdict: verdict?.verdict ?? null }, policy, Date.now());
    const orgId = orgOf(res).id;
    if (decision.unknown)
      await submitAnalysis(ctx.store, ctx.queues, { orgId, target: { kind: 'registry', ecosystem: 'npm', name, version }, source: 'api' });
    else await ctx.store.verdicts.addReceiver('npm', name, version, orgId);
    if (!decision.allow) {
      ctx.log.warn({ org: orgId, package: id, reason: decision.reason }, 'guard: install refused');
      return refuse(res, 403, `Airlock refused ${id}: ${decision.reason}`);
    }
    const upstream = await fetch(upstreamUrl(ctx, `${encodedName(name)}/-/${encodeURIComponent(file)}`), {
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    }).catch((err: Error) => err);
    if (upstream instanceof Error) return refuse(res, 502, `Airlock could not reach the upstream registry: ${upstream.message}`);
    if (!upstream.ok || !upstream.body) return refuse(res, upstream.status, `upstream registry answered ${upstream.status} for ${file}`);
    res.status(200).type('application/octet-stream');
    // Streamed (tarballs reach hundreds of MB); npm checks the bytes against the packument's integrity.
    await pipeline(Readable.fromWeb(upstream.body), res);
  };

  router.get('/:scope/:name/-/:file', (req, res) => tarball(req, res, `${req.params.scope}/${req.params.name}`, req.params.file));
  router.get('/:name/-/:file', (req, res) => tarball(req, res, req.params.name, req.params.file));
  router.get('/:scope/:name', (req, res) => packument(req, res, `${req.params.scope}/${req.params.name}`));
  router.get('/:name', (req, res) => packument(req, res, req.params.name));
  return router;
}

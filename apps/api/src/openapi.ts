/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  AcceptedFalsePositive,
  AdminPatchSettings,
  Analysis,
  CreateAcceptedFalsePositive,
  OverrideVerdict,
  PatchSettings,
  Settings,
  VerdictOverridden,
  AnalysisList,
  ApiKey,
  ApiKeyList,
  ApiKeyRotated,
  ApiKeyWithSecret,
  CreateApiKey,
  CreateOrganization,
  CreateWebhook,
  DeliveryList,
  Ecosystem,
  Health,
  Inventory,
  InventoryCreated,
  InventoryList,
  InventoryQuery,
  ListQuery,
  OrganizationWithKey,
  PageQuery,
  Problem,
  Ready,
  RescanQueued,
  Report,
  RotateApiKey,
  SubmitAnalysis,
  UploadQuery,
  VerdictLookup,
  WebhookList,
  WebhookWithSecret,
} from './schemas.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: Problem } } });
const json = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema } },
});
const errors = {
  400: problem('Invalid request'),
  401: problem('Missing or invalid API key'),
  429: problem('Rate limited, or (forced runs) the daily force budget is spent'),
};
const id = z.object({ id: z.string() });
/** POSTs that create something take an Idempotency-Key (idempotency.ts). */
const idempotencyKey = z.object({
  'idempotency-key': z.string().max(255).optional().openapi({
    description:
      'The same key and request from this organization within 24 h answers the first response again (Idempotent-Replayed: true); another request with it: 422; while the first is in flight: 409.',
  }),
});
const idempotencyErrors = {
  409: problem('A request with this Idempotency-Key is still being handled (retry after Retry-After)'),
  422: problem('Idempotency-Key already used with another request'),
};

export function openApiDocument(): object {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An organization API key (alk_...)',
  });
  const security = [{ [bearer.name]: [] }];
  const admin = registry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The operator token (AIRLOCK_ADMIN_TOKEN)',
  });
  const adminSecurity = [{ [admin.name]: [] }];
  const basic = registry.registerComponent('securitySchemes', 'apiKeyBasic', {
    type: 'http',
    scheme: 'basic',
    description: 'An organization API key as the password (any user name, e.g. `__token__`): pip sends it from the index URL',
  });
  const pipSecurity = [{ [basic.name]: [] }, { [bearer.name]: [] }];
  const adminErrors = { 400: problem('Invalid request'), 401: problem('Missing or invalid admin token') };

  registry.registerPath({
    method: 'post',
    path: '/v1/analyses',
    summary: 'Submit a registry package version, or upload an archive',
    security,
    request: {
      query: UploadQuery.partial(),
      headers: idempotencyKey,
      body: {
        content: {
          'application/json': { schema: SubmitAnalysis },
          'application/octet-stream': {
            schema: z.string().openapi({ format: 'binary', description: '.tgz, .tar.gz (sdist), .zip or .whl; ?filename= required' }),
          },
        },
      },
    },
    responses: {
      200: json('A verdict for this version (and archive) was already known', Analysis),
      202: json('Queued', Analysis),
      413: problem('Upload too large'),
      415: problem('Unsupported content type'),
      409: idempotencyErrors[409],
      422: problem(
        "Unknown package (a package of another organization's private registry answers the same), rejected archive, or Idempotency-Key used with another request",
      ),
      503: problem("This organization's registry token cannot be opened (the service's secrets key changed): set it again"),
      ...errors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/analyses',
    summary: "This organization's analyses, newest first; ?verdict= lists one verdict (e.g. inconclusive)",
    security,
    request: { query: ListQuery },
    responses: { 200: json('A page of analyses', AnalysisList), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/analyses/{id}',
    summary: 'Status, phases and verdict',
    security,
    request: { params: id },
    responses: { 200: json('The analysis', Analysis), 404: problem('Unknown here'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/analyses/{id}/report',
    summary: 'The full report (schema: packages/core/schema/report.schema.json)',
    security,
    request: { params: id },
    responses: { 200: json('The report', Report), 404: problem('No report yet'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/analyses/{id}/report.html',
    summary:
      "The report as a page for a browser (the organization's view: accepted false positives apply), opened with the analysis's links.reportHtml (signed, short-lived: no key needed) or with a Bearer key",
    // Either the API key, or no key at all with a valid signed link (exp and sig).
    security: [...security, {}],
    request: {
      params: id,
      query: z.object({
        exp: z
          .string()
          .optional()
          .openapi({ description: 'Signed link: its expiry, Unix seconds (AIRLOCK_REPORT_LINK_TTL_SECONDS after it was minted)' }),
        sig: z.string().optional().openapi({ description: 'Signed link: HMAC-SHA256 over (analysis id, organization id, exp), base64url' }),
      }),
    },
    responses: {
      200: {
        description:
          'The page: self-contained, no script (Content-Security-Policy default-src none), Cache-Control no-store, Referrer-Policy no-referrer',
        content: { 'text/html': { schema: z.string().openapi({ description: 'HTML' }) } },
      },
      403: {
        description: 'Signed link expired, or its signature does not match (plain text that says which)',
        content: { 'text/plain': { schema: z.string() } },
      },
      404: problem('Unknown here, or no report yet (a signed link to an unknown analysis: plain text)'),
      ...errors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/analyses/{id}/artifacts/{name}',
    summary:
      "A raw artifact: install.record and import.record (the phase's syscall record: gVisor's install.gvisor.jsonl, or install.strace under runc), network.jsonl",
    security,
    request: { params: z.object({ id: z.string(), name: z.string() }) },
    responses: {
      200: {
        description: 'The file',
        content: {
          'text/plain': { schema: z.string().openapi({ description: 'A syscall record (strace text)' }) },
          'application/x-ndjson': { schema: z.string().openapi({ description: 'JSON lines (gVisor record, network log)' }) },
        },
      },
      404: problem('No such artifact'),
      410: problem('Deleted by the artifact retention (AIRLOCK_ARTIFACT_RETENTION_DAYS); the report and verdict are kept'),
      ...errors,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/analyses/{id}/rerun',
    summary: 'Run the same package (or uploaded archive) again now, whatever its verdict: how an inconclusive one is rechecked',
    security,
    request: { params: id, headers: idempotencyKey },
    responses: {
      202: json('Queued: a new analysis', Analysis),
      404: problem('Unknown here'),
      409: problem('Still queued or running, or a request with this Idempotency-Key is in flight'),
      422: idempotencyErrors[422],
      410: problem('The uploaded archive is no longer kept'),
      ...errors,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/analyses/{id}/cancel',
    summary: 'Cancel; the sandbox run stops if no one else waits on it',
    security,
    request: { params: id },
    responses: { 200: json('Cancelled', Analysis), 404: problem('Unknown here'), 409: problem('Already finished'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/verdicts/{ecosystem}/{name}/{version}',
    summary: 'The public verdict of a registry package version, and the history of its runs (an upload never answers here)',
    security,
    request: { params: z.object({ ecosystem: Ecosystem, name: z.string(), version: z.string() }) },
    responses: { 200: json('The public verdict and its history', VerdictLookup), 404: problem('No verdict yet'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/verdicts/{ecosystem}/{scope}/{name}/{version}',
    summary: 'The same for a scoped npm name sent unencoded (`@scope/name` as two path segments)',
    security,
    request: { params: z.object({ ecosystem: Ecosystem, scope: z.string(), name: z.string(), version: z.string() }) },
    responses: { 200: json('The public verdict and its history', VerdictLookup), 404: problem('No verdict yet'), ...errors },
  });
  // The npm install-time guard: an npm registry for `registry=` in .npmrc (the API key as _authToken).
  const npmError = (description: string) => ({
    description,
    content: { 'application/json': { schema: z.object({ error: z.string().openapi({ description: 'The reason; npm prints it' }) }) } },
  });
  const guardErrors = {
    401: problem('Missing or invalid API key'),
    404: npmError('The upstream registry has no such package'),
    502: npmError('The upstream registry could not be reached'),
  };
  const Manifest = z
    .object({
      name: z.string(),
      version: z.string(),
      dist: z.object({ tarball: z.string(), integrity: z.string().optional() }).passthrough(),
    })
    .passthrough();
  const packument = json(
    'The upstream packument without the versions the policy refuses, tarballs pointing here',
    z
      .object({
        name: z.string(),
        'dist-tags': z.record(z.string(), z.string()),
        versions: z.record(z.string(), Manifest),
        time: z.record(z.string(), z.string()).optional(),
      })
      .passthrough(),
  );
  const tarball = {
    200: {
      description: 'The tarball, from upstream',
      content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    400: npmError('Not a tarball name of this package'),
    403: npmError('Refused by the policy: its verdict, its age, or not analysed yet (then submitted)'),
    ...guardErrors,
  };
  for (const [path, params] of [
    ['/v1/guard/npm/{name}', z.object({ name: z.string() })],
    ['/v1/guard/npm/{scope}/{name}', z.object({ scope: z.string(), name: z.string() })],
  ] as const)
    registry.registerPath({
      method: 'get',
      path,
      summary: 'npm install-time guard: a package document',
      security,
      request: { params },
      responses: { 200: packument, ...guardErrors },
    });
  for (const [path, params] of [
    ['/v1/guard/npm/{name}/-/{file}', z.object({ name: z.string(), file: z.string() })],
    ['/v1/guard/npm/{scope}/{name}/-/{file}', z.object({ scope: z.string(), name: z.string(), file: z.string() })],
  ] as const)
    registry.registerPath({
      method: 'get',
      path,
      summary: 'npm install-time guard: a tarball, checked against the policy',
      security,
      request: { params },
      responses: tarball,
    });
  // The pip install-time guard: a PEP 503/691 simple index for `--index-url https://__token__:<key>@host/v1/guard/pypi/simple/`.
  const pipError = (description: string) => ({
    description,
    content: { 'text/plain': { schema: z.string().openapi({ description: 'The reason, also in the status line (pip prints that)' }) } },
  });
  const pipErrors = {
    400: pipError('Not a Python project name'),
    401: problem('Missing or invalid API key (answered with a Basic challenge)'),
    404: pipError('The upstream index has no such project (or no such file of it)'),
    502: pipError('The upstream index could not be reached, or its page is not PEP 691 JSON'),
  };
  const SimpleFile = z
    .object({
      filename: z.string(),
      url: z.string().openapi({ description: 'Through the guard: /v1/guard/pypi/files/{project}/{file}' }),
      hashes: z.record(z.string(), z.string()),
      'requires-python': z.string().optional(),
      yanked: z
        .union([z.literal(true), z.string()])
        .optional()
        .openapi({ description: "PEP 592; a version the policy refuses is yanked with Airlock's reason" }),
      size: z.number().int().optional(),
      'upload-time': z.string().optional().openapi({ description: 'PEP 700, from upstream' }),
    })
    .openapi('PypiSimpleFile');
  registry.registerPath({
    method: 'get',
    path: '/v1/guard/pypi/simple/{project}',
    summary:
      'pip install-time guard: a project page (`/simple/<project>/`; PEP 691 JSON or PEP 503 HTML by Accept; a non-normalised name redirects)',
    security: pipSecurity,
    request: { params: z.object({ project: z.string() }) },
    responses: {
      200: {
        description: "The upstream page: files through the guard, refused versions yanked with Airlock's reason",
        content: {
          'application/vnd.pypi.simple.v1+json': {
            schema: z.object({
              meta: z.object({ 'api-version': z.string() }),
              name: z.string(),
              versions: z.array(z.string()),
              files: z.array(SimpleFile),
            }),
          },
          'application/vnd.pypi.simple.v1+html': { schema: z.string().openapi({ description: 'PEP 503 HTML' }) },
          'text/html': { schema: z.string().openapi({ description: 'PEP 503 HTML' }) },
        },
      },
      301: { description: 'To the PEP 503-normalised name' },
      406: pipError('No Accept type the index serves'),
      ...pipErrors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/guard/pypi/files/{project}/{file}',
    summary: 'pip install-time guard: a distribution file, checked against the policy (a version not analysed yet is submitted)',
    security: pipSecurity,
    request: { params: z.object({ project: z.string(), file: z.string() }) },
    responses: {
      200: {
        description: 'The file, from the URL the upstream page lists for it',
        content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
      },
      403: pipError('Refused by the policy: its verdict, its age, or not analysed yet (then submitted)'),
      ...pipErrors,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/inventories',
    summary: 'Upload a lockfile or SBOM; every package is analysed',
    security,
    request: { query: InventoryQuery, headers: idempotencyKey, body: { content: { 'text/plain': { schema: z.string() } } } },
    responses: {
      202: json('Expanding', InventoryCreated),
      409: idempotencyErrors[409],
      413: problem('Too large'),
      422: problem('Not a recognised lockfile or SBOM, or Idempotency-Key used with another request'),
      ...errors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/inventories',
    summary: "This organization's inventories, newest first",
    security,
    request: { query: PageQuery },
    responses: { 200: json('A page of inventories', InventoryList), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/inventories/{id}',
    summary: 'Progress, counts by verdict, findings, integrity mismatches',
    security,
    request: { params: id },
    responses: { 200: json('The inventory', Inventory), 404: problem('Unknown here'), ...errors },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/inventories/{id}/rescan',
    summary: 'Rescan every package now (a changed verdict sends analysis.verdict_changed)',
    security,
    request: { params: id },
    responses: { 202: json('Rescan queued', RescanQueued), 404: problem('Unknown here'), 409: problem('Still expanding'), ...errors },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/inventories/{id}/schedule',
    summary: 'Stop scheduled rescans',
    security,
    request: { params: id },
    responses: { 204: { description: 'Stopped' }, 404: problem('Unknown here'), ...errors },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/inventories/{id}',
    summary: 'Delete an inventory: its schedule stops and it leaves the list; the analyses it made stay',
    security,
    request: { params: id },
    responses: { 204: { description: 'Deleted' }, 404: problem('Unknown here'), ...errors },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/webhooks',
    summary: 'Register a webhook; the signing secret is returned once',
    security,
    request: { headers: idempotencyKey, body: { content: { 'application/json': { schema: CreateWebhook } } } },
    responses: {
      201: json('Registered, with secret', WebhookWithSecret),
      409: idempotencyErrors[409],
      422: problem('URL refused (private, loopback, metadata address...), or Idempotency-Key used with another request'),
      ...errors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/webhooks',
    summary: "This organization's webhooks",
    security,
    responses: { 200: json('Webhooks', WebhookList), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries',
    summary: 'Delivery log with every attempt',
    security,
    request: { params: id },
    responses: { 200: json('Deliveries', DeliveryList), 404: problem('Unknown here'), ...errors },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/webhooks/{id}',
    summary: 'Delete a webhook',
    security,
    request: { params: id },
    responses: { 204: { description: 'Deleted' }, 404: problem('Unknown here'), ...errors },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/admin/organizations',
    summary: 'Create an organization and its first API key (operator token)',
    request: { body: { content: { 'application/json': { schema: CreateOrganization } } } },
    security: adminSecurity,
    responses: { 201: json('Organization and API key', OrganizationWithKey), 403: problem('Admin routes disabled'), ...adminErrors },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/admin/organizations/{id}/keys',
    summary: 'Add an API key (named "admin") to an organization, e.g. when it lost every key (operator token)',
    security: adminSecurity,
    request: { params: id },
    responses: {
      201: json('Organization and the new API key', OrganizationWithKey),
      403: problem('Admin routes disabled'),
      404: problem('No such organization'),
      ...adminErrors,
    },
  });
  registry.registerPath({
    method: 'patch',
    path: '/v1/admin/organizations/{id}/settings',
    summary: "Set an organization's budgets, raising them too (operator token; an organization can only lower its own)",
    security: adminSecurity,
    request: { params: id, body: { content: { 'application/json': { schema: AdminPatchSettings } } } },
    responses: {
      200: json('The settings', Settings),
      403: problem('Admin routes disabled'),
      404: problem('No such organization'),
      ...adminErrors,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/admin/verdicts',
    summary:
      'Override the public verdict of a registry version (operator token): kept in its history with the reason, announced by analysis.verdict_changed to every organization that received the old one',
    security: adminSecurity,
    request: { body: { content: { 'application/json': { schema: OverrideVerdict } } } },
    responses: {
      200: json('The verdict now public', VerdictOverridden),
      403: problem('Admin routes disabled'),
      404: problem('The version has no public verdict'),
      ...adminErrors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/settings',
    summary:
      "This organization's settings: accepted false positives, the verdicts an install-time guard refuses, budgets, private npm registry (never its token)",
    security,
    responses: { 200: json('The settings', Settings), ...errors },
  });
  registry.registerPath({
    method: 'patch',
    path: '/v1/settings',
    summary: 'Change the guard, lower a budget, set or remove the private npm registry (the token stored encrypted)',
    security,
    request: { body: { content: { 'application/json': { schema: PatchSettings } } } },
    responses: {
      200: json('The settings', Settings),
      403: problem('A budget above the one that applies (only an operator raises one)'),
      503: problem('No secrets key on this service: a registry token cannot be stored'),
      ...errors,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/settings/accepted-false-positives',
    summary: "Accept a false positive for this organization's verdicts only: a package, a version range, or one rule's evidence signature",
    security,
    request: { headers: idempotencyKey, body: { content: { 'application/json': { schema: CreateAcceptedFalsePositive } } } },
    responses: {
      201: json('Accepted', AcceptedFalsePositive),
      409: problem('Too many accepted false positives, or a request with this Idempotency-Key is in flight'),
      422: idempotencyErrors[422],
      ...errors,
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/settings/accepted-false-positives/{id}',
    summary: 'Delete an accepted false positive',
    security,
    request: { params: id },
    responses: { 204: { description: 'Deleted' }, 404: problem('Unknown here'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/keys',
    summary: "This organization's API keys, newest first (revoked ones for 30 days); never their secrets",
    security,
    responses: { 200: json('API keys', ApiKeyList), ...errors },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/keys',
    summary: 'Create a named API key; its secret is returned once',
    security,
    request: { headers: idempotencyKey, body: { content: { 'application/json': { schema: CreateApiKey } } } },
    responses: { 201: json('Created, with secret', ApiKeyWithSecret), ...idempotencyErrors, ...errors },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/keys/{id}',
    summary: 'Revoke an API key: the next request with it answers 401',
    security,
    request: { params: id },
    responses: {
      200: json('Revoked (listed as such for 30 days)', ApiKey),
      404: problem('Unknown here'),
      409: problem("The organization's only active key (create or rotate another first)"),
      ...errors,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/keys/{id}/rotate',
    summary: 'A new key with the same name; the old one revoked at once, or after gracePeriodSeconds (at most 24 h)',
    security,
    request: { params: id, headers: idempotencyKey, body: { content: { 'application/json': { schema: RotateApiKey } } } },
    responses: {
      201: json('The new key, with secret, and the old one', ApiKeyRotated),
      404: problem('Unknown here'),
      409: problem('The key is no longer active or was already rotated, or a request with this Idempotency-Key is in flight'),
      422: idempotencyErrors[422],
      ...errors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Operations: liveness',
    responses: { 200: json('Alive', Health) },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Operations: readiness (Redis answers)',
    responses: { 200: json('Ready', Ready), 503: json('Not ready', Ready) },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Operations: Prometheus metrics',
    responses: {
      200: {
        description: 'Prometheus text format',
        content: { 'text/plain': { schema: z.string().openapi({ description: 'Prometheus exposition' }) } },
      },
    },
  });
  for (const path of ['/openapi.json', '/v1/openapi.json'])
    registry.registerPath({
      method: 'get',
      path,
      summary: 'This OpenAPI 3.1 document',
      responses: {
        200: json(
          'The document',
          z.object({ openapi: z.string(), info: z.object({}).passthrough(), paths: z.object({}).passthrough() }).passthrough(),
        ),
      },
    });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Airlock API',
      version: '1.0.0',
      description: 'Sandboxed dynamic analysis of npm and PyPI packages: submissions, verdicts, inventories, webhooks.',
    },
    servers: [{ url: '/' }],
  });
}

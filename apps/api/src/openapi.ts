/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  Analysis,
  CreateOrganization,
  CreateWebhook,
  Ecosystem,
  InventoryQuery,
  ListQuery,
  Problem,
  SubmitAnalysis,
  UploadQuery,
  VerdictLookup,
} from './schemas.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: Problem } } });
const json = (description: string, schema: z.ZodType = z.object({}).passthrough()) => ({
  description,
  content: { 'application/json': { schema } },
});
const errors = {
  400: problem('Invalid request'),
  401: problem('Missing or invalid API key'),
  429: problem('Rate limited, or (forced runs) the daily force budget is spent'),
};
const id = z.object({ id: z.string() });

export function openApiDocument(): object {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An organization API key (alk_...)',
  });
  const security = [{ [bearer.name]: [] }];

  registry.registerPath({
    method: 'post',
    path: '/v1/analyses',
    summary: 'Submit a registry package version, or upload an archive',
    security,
    request: {
      query: UploadQuery.partial(),
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
      422: problem('Unknown package or rejected archive'),
      ...errors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/analyses',
    summary: "This organization's analyses, newest first; ?verdict= lists one verdict (e.g. inconclusive)",
    security,
    request: { query: ListQuery },
    responses: { 200: json('A page of analyses'), ...errors },
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
    responses: { 200: json('The report'), 404: problem('No report yet'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/analyses/{id}/artifacts/{name}',
    summary:
      "A raw artifact: install.record and import.record (the phase's syscall record: gVisor's install.gvisor.jsonl, or install.strace under runc), network.jsonl",
    security,
    request: { params: z.object({ id: z.string(), name: z.string() }) },
    responses: {
      200: { description: 'The file' },
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
    request: { params: id },
    responses: {
      202: json('Queued: a new analysis', Analysis),
      404: problem('Unknown here'),
      409: problem('Still queued or running'),
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
    responses: { 200: json('Cancelled', Analysis), 409: problem('Already finished'), ...errors },
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
    method: 'post',
    path: '/v1/inventories',
    summary: 'Upload a lockfile or SBOM; every package is analysed',
    security,
    request: { query: InventoryQuery, body: { content: { 'text/plain': { schema: z.string() } } } },
    responses: { 202: json('Expanding'), 413: problem('Too large'), 422: problem('Not a recognised lockfile or SBOM'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/inventories/{id}',
    summary: 'Progress, counts by verdict, findings, integrity mismatches',
    security,
    request: { params: id },
    responses: { 200: json('The inventory'), 404: problem('Unknown here'), ...errors },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/inventories/{id}/rescan',
    summary: 'Rescan every package now (a changed verdict sends analysis.verdict_changed)',
    security,
    request: { params: id },
    responses: { 202: json('Rescan queued'), 409: problem('Still expanding'), ...errors },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/inventories/{id}/schedule',
    summary: 'Stop scheduled rescans',
    security,
    request: { params: id },
    responses: { 204: { description: 'Stopped' }, ...errors },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/webhooks',
    summary: 'Register a webhook; the signing secret is returned once',
    security,
    request: { body: { content: { 'application/json': { schema: CreateWebhook } } } },
    responses: { 201: json('Registered, with secret'), 422: problem('URL refused (private, loopback, metadata address...)'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/webhooks',
    summary: "This organization's webhooks",
    security,
    responses: { 200: json('Webhooks'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries',
    summary: 'Delivery log with every attempt',
    security,
    request: { params: id },
    responses: { 200: json('Deliveries'), ...errors },
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
    responses: { 201: json('Organization and API key'), 403: problem('Admin routes disabled') },
  });
  for (const path of ['/healthz', '/readyz', '/metrics'])
    registry.registerPath({ method: 'get', path, summary: `Operations: ${path.slice(1)}`, responses: { 200: { description: 'OK' } } });

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

/**
 * The OpenAPI document covers the API: every route the express app serves (walked from its router
 * stack, nested routers included) is an operation of the document and every operation a route; every
 * 2xx answer with a body has a typed schema; and real answers (keys, inventories, webhooks, analyses,
 * the admin route) validate against the document's schemas (ajv, JSON Schema 2020-12), so the document
 * cannot drift from what the server sends.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, startTestApi } from '../../support/service.js';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[];
}
type Schema = { $ref?: string; type?: string | string[]; properties?: Record<string, unknown>; allOf?: Schema[] };
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let doc: Document;

/** The express application's request listener: what it needs to be walked. */
type ExpressApp = { router: { stack: Layer[] } };

/** `METHOD /path/{param}` for every route of the app. */
function expressRoutes(app: ExpressApp): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const path of ([] as string[]).concat(layer.route.path))
          for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
            found.push(`${method.toUpperCase()} ${toOpenApi(prefix + path)}`);
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk(app.router.stack, '');
  return [...new Set(found)].sort();
}
const toOpenApi = (path: string) => path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1');

function resolve(schema: Schema | undefined): Schema | undefined {
  const name = schema?.$ref?.replace('#/components/schemas/', '');
  return name ? resolve(doc.components.schemas[name]) : schema;
}
/** A body schema says something: a type (an object names its properties), or an allOf of such. */
function typed(schema: Schema | undefined): boolean {
  const s = resolve(schema);
  if (!s) return false;
  if (s.allOf) return s.allOf.some(typed);
  if (!s.type) return false;
  return s.type !== 'object' || Object.keys(s.properties ?? {}).length > 0;
}

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url, { rateLimitPerMinute: 10_000, webhookAllowPrivate: true });
  doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as Document;
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('OpenAPI document coverage', () => {
  it('registers every express route as an operation, and no operation without a route', () => {
    const app = api.server.listeners('request')[0] as unknown as ExpressApp;
    const routes = expressRoutes(app);
    expect(routes.length).toBeGreaterThan(25);
    expect(routes).toContain('DELETE /v1/keys/{id}');
    expect(routes).toContain('POST /v1/admin/organizations/{id}/keys');
    const operations = Object.entries(doc.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(
      routes.filter((r) => !operations.includes(r)),
      'routes missing from the OpenAPI document',
    ).toEqual([]);
    expect(
      operations.filter((o) => !routes.includes(o)),
      'operations with no route',
    ).toEqual([]);
  });

  it('types every 2xx answer that has a body', () => {
    const untyped: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods))
        for (const [status, response] of Object.entries(op.responses)) {
          if (!/^2/.test(status) || status === '204') continue;
          const media = Object.entries(response.content ?? {});
          if (media.length === 0 || media.some(([, m]) => !typed(m.schema))) untyped.push(`${method.toUpperCase()} ${path} ${status}`);
        }
    expect(untyped).toEqual([]);
  });

  it("validates real answers against the document's schemas", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const schemaOf = (path: string, method: string, status: number) => {
      const schema = doc.paths[path]![method]!.responses[String(status)]!.content!['application/json']!.schema!;
      return ajv.compile(schema.$ref ? { $ref: `doc${schema.$ref}` } : { ...schema, $id: `${method}${path}${status}` });
    };
    const check = async (res: Response, path: string, method: string) => {
      const body: unknown = await res.json();
      const validate = schemaOf(path, method, res.status);
      expect(validate(body), `${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      return body;
    };
    const admin = await fetch(`${api.url}/v1/admin/organizations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'doc-org' }),
    });
    const { apiKey } = (await check(admin, '/v1/admin/organizations', 'post')) as { apiKey: string };
    const org = await createOrg(api, 'doc-org-2');
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${api.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...init.headers },
      });

    await check(await call('/v1/keys'), '/v1/keys', 'get');
    const made = (await check(await call('/v1/keys', { method: 'POST', body: '{"name":"ci"}' }), '/v1/keys', 'post')) as { id: string };
    const rotated = (await check(
      await call(`/v1/keys/${made.id}/rotate`, { method: 'POST', body: '{}' }),
      '/v1/keys/{id}/rotate',
      'post',
    )) as {
      id: string;
    };
    await check(await call(`/v1/keys/${rotated.id}`, { method: 'DELETE' }), '/v1/keys/{id}', 'delete');

    const analysis = await call('/v1/analyses', { method: 'POST', body: '{"ecosystem":"pypi","name":"requests","version":"2.31.0"}' });
    const { id } = (await check(analysis, '/v1/analyses', 'post')) as { id: string };
    await check(await call('/v1/analyses'), '/v1/analyses', 'get');
    await check(await call(`/v1/analyses/${id}/cancel`, { method: 'POST' }), '/v1/analyses/{id}/cancel', 'post');

    const inventory = await call('/v1/inventories?filename=requirements.txt', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'requests==2.31.0\n',
    });
    const inv = (await check(inventory, '/v1/inventories', 'post')) as { id: string };
    await check(await call('/v1/inventories'), '/v1/inventories', 'get');
    await check(await call(`/v1/inventories/${inv.id}`), '/v1/inventories/{id}', 'get');

    const hook = await call('/v1/webhooks', { method: 'POST', body: '{"url":"http://127.0.0.1:9/h","events":["inventory.completed"]}' });
    const wh = (await check(hook, '/v1/webhooks', 'post')) as { id: string };
    await check(await call('/v1/webhooks'), '/v1/webhooks', 'get');
    await check(await call(`/v1/webhooks/${wh.id}/deliveries`), '/v1/webhooks/{id}/deliveries', 'get');

    const more = await fetch(`${api.url}/v1/admin/organizations/${org.id}/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.adminToken}` },
    });
    await check(more, '/v1/admin/organizations/{id}/keys', 'post');

    await check(await call('/v1/settings'), '/v1/settings', 'get');
    await check(
      await call('/v1/settings', { method: 'PATCH', body: '{"guardRefuses":["malicious"],"budgets":{"forcePerDay":3}}' }),
      '/v1/settings',
      'patch',
    );
    await check(
      await call('/v1/settings/accepted-false-positives', {
        method: 'POST',
        body: JSON.stringify({ match: { kind: 'range', ecosystem: 'npm', name: 'x', range: '^1.0.0' }, reason: 'r' }),
      }),
      '/v1/settings/accepted-false-positives',
      'post',
    );
    const orgSettings = await fetch(`${api.url}/v1/admin/organizations/${org.id}/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
      body: '{"budgets":{"forcePerDay":100}}',
    });
    await check(orgSettings, '/v1/admin/organizations/{id}/settings', 'patch');
    await check(await fetch(`${api.url}/healthz`), '/healthz', 'get');
    await check(await fetch(`${api.url}/readyz`), '/readyz', 'get');
  });
});

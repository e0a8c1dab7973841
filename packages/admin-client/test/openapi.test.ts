import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DOCUMENT_FILE, render } from '../openapi/generate';

const doc = parse(readFileSync(DOCUMENT_FILE, 'utf8'));
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace'];
const operations = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, item]) => // eslint-disable-line @typescript-eslint/no-explicit-any
  METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })));
const resolve = (node: any) => (node?.$ref ? node.$ref.slice(2).split('/').reduce((o: any, k: string) => o[k], doc) : node); // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the OpenAPI document', () => {
  test('GIVEN openapi/spec WHEN rendered THEN it is exactly the committed openapi/kong-admin.yaml', () => {
    expect(readFileSync(DOCUMENT_FILE, 'utf8')).toBe(render());
  });

  test('covers the entities issue 4 asks for, credentials and nested plugins included', () => {
    for (const path of ['/', '/status', '/clustering/data-planes', '/tags', '/tags/{tags}', '/schemas/{entity}', '/schemas/plugins/{name}',
      '/services/{service}/plugins', '/routes/{route}/plugins', '/consumers/{consumer}/plugins', '/plugins/{plugin}',
      '/certificates/{certificate}/snis', '/snis/{sni}', '/ca_certificates/{ca_certificate}', '/upstreams/{upstream}/targets/{target}',
      '/vaults/{vault}', '/keys/{key}', '/key-sets/{key_set}/keys', '/consumers/{consumer}/key-auth/{key_auth}',
      '/consumers/{consumer}/basic-auth', '/consumers/{consumer}/acls/{acl}', '/key-auths/{key_auth}']) {
      expect(doc.paths).toHaveProperty([path]);
    }
    expect(operations.length).toBeGreaterThan(150);
  });

  test('every path is well formed: no parameter glued to a segment (Kong\'s spec has `{service_id_or_name}plugins`)', () => {
    for (const path of Object.keys(doc.paths)) expect(path).toMatch(/^\/(?:(?:[a-z_-]+|\{[a-z_]+\})(?:\/|$))*$/);
  });

  test('every list answers a {data, offset, next} page, not a single object', () => {
    const lists = operations.filter(({ op }) => op.operationId.startsWith('list') && op.operationId !== 'listEndpoints' && op.operationId !== 'listEnabledPlugins');
    expect(lists.length).toBeGreaterThan(20);
    for (const { op } of lists) {
      const page = resolve(op.responses['200'].content['application/json'].schema);
      expect(page.required).toEqual(['data', 'next']);
      expect(page.properties.data.type).toBe('array');
      expect(page.properties.next.type).toEqual(['string', 'null']);
      expect(op.parameters.map((p: { $ref: string }) => p.$ref)).toEqual(expect.arrayContaining(['#/components/parameters/size', '#/components/parameters/offset']));
    }
  });

  test('POST answers 201, PUT 200 (create or replace), DELETE 204', () => {
    for (const { method, op } of operations) {
      const statuses = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      if (method === 'post' && !op.operationId.startsWith('validate')) expect(statuses).toEqual(['201']);
      if (method === 'put') expect(statuses).toEqual(['200']);
      if (method === 'delete') expect(statuses).toEqual(['204']);
    }
  });

  test('every operation documents its errors with the {code, name, message, fields} schema', () => {
    const error = doc.components.schemas.Error;
    expect(Object.keys(error.properties)).toEqual(expect.arrayContaining(['code', 'name', 'message', 'fields']));
    for (const { method, op } of operations) {
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '500']));
      // Writes of entities may hit a unique field (409); loading a whole declarative configuration reports every error as 400, code 14.
      if (['post', 'put', 'patch'].includes(method) && !op.operationId.startsWith('validate') && op.operationId !== 'loadDeclarativeConfig') expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '409']));
      for (const [status, response] of Object.entries(op.responses)) {
        // 415 has no body (kong.response.exit(415), kong/api/api_helpers.lua:270 at 3.9.3), nor has 304 (kong/api/routes/config.lua:133)
        if (status.startsWith('2') || status === '415' || status === '304') continue;
        expect(resolve(response).content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });

  test('/config takes a declarative configuration (JSON, a string under `config`, or YAML) and answers 201 with the loaded entities, or 304', () => {
    const post = doc.paths['/config'].post;
    expect(Object.keys(post.requestBody.content)).toEqual(['application/json', 'application/yaml', 'text/yaml']);
    expect(post.requestBody.content['application/json'].schema.anyOf).toEqual([{ $ref: '#/components/schemas/DeclarativeConfig' }, { $ref: '#/components/schemas/DeclarativeConfigString' }]);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '304', '400']));
    const config = doc.components.schemas.DeclarativeConfig;
    expect(config.required).toEqual(['_format_version']);
    expect(config.properties._format_version.enum).toEqual(['1.1', '2.1', '3.0']);
    expect(Object.keys(config.properties)).toEqual(expect.arrayContaining(['services', 'routes', 'consumers', 'plugins', 'certificates', 'snis',
      'ca_certificates', 'upstreams', 'targets', 'vaults', 'keys', 'key_sets', 'keyauth_credentials', 'basicauth_credentials', 'acls']));
    // a declarative certificate nests its SNI records; the Admin API's list of names is not a field of the entity
    expect(doc.components.schemas.DeclarativeCertificate.properties.snis.items).toEqual({ $ref: '#/components/schemas/DeclarativeSni' });
  });

  test('sync_status of a data plane is an enum of Kong\'s statuses', () => {
    expect(doc.components.schemas.DataPlane.properties.sync_status.enum).toEqual([
      'unknown', 'normal', 'kong_version_incompatible', 'plugin_set_incompatible', 'plugin_version_incompatible', 'filter_set_incompatible',
    ]);
  });

  test('key-auth, acl, ip-restriction, cors and rate-limiting configurations are typed; other plugins take an open config', () => {
    const variants = doc.components.schemas.Plugin.oneOf.map((r: { $ref: string }) => r.$ref.split('/').pop());
    expect(variants).toEqual(['KeyAuthPlugin', 'AclPlugin', 'IpRestrictionPlugin', 'CorsPlugin', 'RateLimitingPlugin', 'OtherPlugin']);
    expect(doc.components.schemas.KeyAuthConfig.additionalProperties).toBe(false);
    expect(doc.components.schemas.OtherPlugin.properties.config.additionalProperties).toBe(true);
  });
});

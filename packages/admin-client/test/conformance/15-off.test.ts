/**
 * spec/02-integration/04-admin_api/15-off_spec.lua at 3.9.3: the Admin API of
 * a DB-less node (`database = off`), its `/config` and the reads after it.
 * Kong's spec/fixtures/ssl.lua cert/key are test/fixtures/tls rsa.pem and
 * rsa-key.pem. What is not translated, and why, is in README.md.
 */
import { TLS } from '../support';
import { kongSpec, uuid } from './harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** helpers.unindent: the YAML the spec writes indented in Lua. */
const unindent = (s: string) => {
  const lines = s.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
};

kongSpec('spec/02-integration/04-admin_api/15-off_spec.lua', (k) => {
  describe('Admin API #off', () => {
    describe('/routes', () => {
      describe('POST', () => {
        it("doesn't allow to creates a route with application/json", async () => {
          const res = await k.post('/routes', { body: { protocols: ['http'], hosts: ['my.route.test'], service: { id: uuid() } } });
          expect(res.status).toBe(405);
          expect(res.body).toEqual({ code: 12, name: 'operation unsupported', message: "cannot create 'routes' entities when not using a database" });
        });

        it("doesn't allow to creates a complex route with application/json", async () => {
          const res = await k.post('/routes', {
            body: { protocols: ['http'], methods: ['GET', 'POST', 'PATCH'], hosts: ['foo.api.test', 'bar.api.test'], paths: ['/foo', '/bar'], service: { id: uuid() } },
          });
          expect(res.status).toBe(405);
          expect(res.body).toEqual({ code: 12, name: 'operation unsupported', message: "cannot create 'routes' entities when not using a database" });
        });
      });

      describe('GET', () => {
        describe('errors', () => {
          it('handles invalid offsets', async () => {
            let res = await k.get('/routes', { query: { offset: 'x' } });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({ code: 7, name: 'invalid offset', message: "'x' is not a valid offset: bad base64 encoding" });
            res = await k.get('/routes', { query: { offset: '|potato|' } });
            expect(res.status).toBe(400);
            expect({ ...res.body, message: undefined }).toEqual({ code: 7, name: 'invalid offset', message: undefined });
          });
        });
      });

      it('returns HTTP 405 on invalid method', async () => {
        for (const method of ['DELETE', 'PUT', 'PATCH', 'POST']) {
          const res = await k.send(method, '/routes', { body: { paths: ['/'], service: { id: uuid() } }, undocumented: method !== 'POST' });
          expect(res.status).toBe(405);
          if (method === 'POST') expect(res.body).toEqual({ code: 12, name: 'operation unsupported', message: "cannot create 'routes' entities when not using a database" });
          else expect(res.body).toEqual({ message: 'Method not allowed' });
        }
      });
    });

    describe('/routes/{route}', () => {
      it('returns HTTP 405 on invalid method', async () => {
        for (const method of ['PUT', 'POST']) {
          const res = await k.send(method, `/routes/${uuid()}`, { body: { paths: ['/'], service: { id: uuid() } }, undocumented: method === 'POST' });
          expect(res.status).toBe(405);
          if (method !== 'POST') expect(res.body).toEqual({ code: 12, name: 'operation unsupported', message: "cannot create or update 'routes' entities when not using a database" });
          else expect(res.body).toEqual({ message: 'Method not allowed' });
        }
      });
    });

    describe('/config', () => {
      describe('POST', () => {
        it('accepts configuration as JSON body', async () => {
          const res = await k.post('/config', { body: { _format_version: '1.1', consumers: [{ username: 'bobby_in_json_body' }] } });
          expect(res.status).toBe(201);
        });

        it('accepts configuration as YAML body', async () => {
          const res = await k.post('/config', {
            raw: unindent(`
              _format_version: "1.1"
              consumers:
                - username: "bobby_in_yaml_body"
            `),
            headers: { 'content-type': 'application/yaml' },
          });
          expect(res.status).toBe(201);
        });

        it('accepts configuration as a JSON string under `config` JSON key', async () => {
          const res = await k.post('/config', { body: { config: '{ "_format_version" : "1.1", "consumers" : [ { "username" : "bobby_in_json_under_config" } ] }' } });
          expect(res.status).toBe(201);
        });

        it('accepts configuration as a YAML string under `config` JSON key', async () => {
          const res = await k.post('/config', { body: { config: unindent(`
            _format_version: "1.1"
            consumers:
              - username: "bobby_in_yaml_under_config"
          `) } });
          expect(res.status).toBe(201);
        });

        it('accepts configuration containing null as a YAML string', async () => {
          const res = await k.post('/config', { body: { config: unindent(`
            _format_version: "1.1"
            routes:
            - paths:
              - "/"
              service: null
          `) } });
          expect(res.status).toBe(201);
        });

        it('hides workspace related fields from /config response', async () => {
          const res = await k.post('/config', { body: { config: unindent(`
            _format_version: "1.1"
            services:
            - name: my-service
              id: 0855b320-0dd2-547d-891d-601e9b38647f
              url: https://example.com
              plugins:
              - name: file-log
                id: 0611a5a9-de73-5a2d-a4e6-6a38ad4c3cb2
                config:
                  path: /tmp/file.log
              - name: key-auth
                id: 661199ff-aa1c-5498-982c-d57a4bd6e48b
              routes:
              - name: my-route
                id: 481a9539-f49c-51b6-b2e2-fe99ee68866c
                paths:
                - /
            consumers:
            - username: my-user
              id: 4b1b701d-de2b-5588-9aa2-3b97061d9f52
              keyauth_credentials:
              - key: my-key
                id: 487ab43c-b2c9-51ec-8da5-367586ea2b61
          `) } });
          expect(res.status).toBe(201);
          const entities = res.body;
          expect(entities.workspaces).toBeUndefined();
          expect(entities.consumers['4b1b701d-de2b-5588-9aa2-3b97061d9f52'].ws_id).toBeUndefined();
          expect(entities.keyauth_credentials['487ab43c-b2c9-51ec-8da5-367586ea2b61'].ws_id).toBeUndefined();
          expect(entities.plugins['0611a5a9-de73-5a2d-a4e6-6a38ad4c3cb2'].ws_id).toBeUndefined();
          expect(entities.plugins['661199ff-aa1c-5498-982c-d57a4bd6e48b'].ws_id).toBeUndefined();
          const service = entities.services['0855b320-0dd2-547d-891d-601e9b38647f'];
          const route = entities.routes['481a9539-f49c-51b6-b2e2-fe99ee68866c'];
          expect(service).toBeDefined();
          expect(route).toBeDefined();
          expect(service.ws_id).toBeUndefined();
          expect(route.ws_id).toBeUndefined();
          expect(route.service.id).toBe(service.id);
        });

        it('certificates should be auto-related with attach snis from /config response', async () => {
          const res = await k.post('/config', {
            body: {
              _format_version: '1.1',
              certificates: [{ cert: TLS.rsa, id: 'd83994d2-c24c-4315-b431-ee76b6611dcb', key: TLS['rsa-key'], snis: [{ name: 'foo.example', id: '1c6e83b7-c9ad-40ac-94e8-52f5ee7bde44' }] }],
            },
          });
          expect(res.status).toBe(201);
          const certificate = res.body.certificates['d83994d2-c24c-4315-b431-ee76b6611dcb'];
          const sni = res.body.snis['1c6e83b7-c9ad-40ac-94e8-52f5ee7bde44'];
          expect(certificate).toBeDefined();
          expect(sni).toBeDefined();
          expect(sni.certificate.id).toBe(certificate.id);
        });

        it('certificates should be auto-related with separate snis from /config response', async () => {
          const res = await k.post('/config', {
            body: {
              _format_version: '1.1',
              certificates: [{ cert: TLS.rsa, id: 'd83994d2-c24c-4315-b431-ee76b6611dcb', key: TLS['rsa-key'] }],
              snis: [{ name: 'foo.example', id: '1c6e83b7-c9ad-40ac-94e8-52f5ee7bde44', certificate: { id: 'd83994d2-c24c-4315-b431-ee76b6611dcb' } }],
            },
          });
          expect(res.status).toBe(201);
          const certificate = res.body.certificates['d83994d2-c24c-4315-b431-ee76b6611dcb'];
          const sni = res.body.snis['1c6e83b7-c9ad-40ac-94e8-52f5ee7bde44'];
          expect(certificate).toBeDefined();
          expect(sni).toBeDefined();
          expect(sni.certificate.id).toBe(certificate.id);
        });

        it('can reload upstreams (regression test)', async () => {
          const config = unindent(`
            _format_version: "1.1"
            services:
            - host: foo
              routes:
              - paths:
                - "/"
            upstreams:
            - name: "foo"
              targets:
              - target: 10.20.30.40
          `);
          expect((await k.post('/config', { body: { config } })).status).toBe(201);
          expect((await k.post('/config', { body: { config } })).status).toBe(201);
        });

        it('returns 304 if checking hash and configuration is identical', async () => {
          const config = unindent(`
            _format_version: "1.1"
            consumers:
            - username: bobby_tables
          `);
          expect((await k.post('/config', { query: { check_hash: 1 }, body: { config } })).status).toBe(201);
          expect((await k.post('/config', { query: { check_hash: 1 }, body: { config } })).status).toBe(304);
        });

        it('returns 400 on an invalid config string', async () => {
          const res = await k.post('/config', { body: { config: 'bobby tables' } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({
            code: 14,
            fields: { error: 'failed parsing declarative configuration: expected an object' },
            message: 'declarative config is invalid: {error="failed parsing declarative configuration: expected an object"}',
            name: 'invalid declarative configuration',
          });
        });

        it('returns 400 on a validation error', async () => {
          const res = await k.post('/config', { body: { config: unindent(`
            _format_version: "1.1"
            services:
            - port: -12
          `) } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({
            code: 14,
            fields: { services: [{ host: 'required field missing', port: 'value should be between 0 and 65535' }] },
            message: 'declarative config is invalid: {services={{host="required field missing",port="value should be between 0 and 65535"}}}',
            name: 'invalid declarative configuration',
          });
        });

        it('returns 400 on an primary key uniqueness error', async () => {
          const res = await k.post('/config', { body: { config: unindent(`
            _format_version: "1.1"
            services:
            - id: 0855b320-0dd2-547d-891d-601e9b38647f
              name: foo
              host: example.com
              protocol: https
              routes:
              - name: foo
                methods: ["GET"]
                plugins:
                  - name: key-auth
                  - name: http-log
                    config:
                      http_endpoint: https://example.com
            - id: 0855b320-0dd2-547d-891d-601e9b38647f
              name: bar
              host: example.test
              port: 3000
              routes:
              - name: bar
                paths:
                - /
                plugins:
                - name: basic-auth
                - name: tcp-log
                  config:
                    host: 127.0.0.1
                    port: 10000
          `) } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({
            code: 14,
            fields: { services: [null, "uniqueness violation: 'services' entity with primary key set to '0855b320-0dd2-547d-891d-601e9b38647f' already declared"] },
            message: 'declarative config is invalid: {services={[2]="uniqueness violation: \'services\' entity with primary key set to \'0855b320-0dd2-547d-891d-601e9b38647f\' already declared"}}',
            name: 'invalid declarative configuration',
          });
        });

        it('returns 400 on an endpoint key uniqueness error', async () => {
          const res = await k.post('/config', { body: { config: unindent(`
            _format_version: "1.1"
            services:
            - name: foo
              host: example.com
              protocol: https
              routes:
              - name: foo
                methods: ["GET"]
                plugins:
                  - name: key-auth
                  - name: http-log
                    config:
                      http_endpoint: https://example.com
            - name: foo
              host: example.test
              port: 3000
              routes:
              - name: bar
                paths:
                - /
                plugins:
                - name: basic-auth
                - name: tcp-log
                  config:
                    host: 127.0.0.1
                    port: 10000
          `) } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({
            code: 14,
            fields: { services: [null, "uniqueness violation: 'services' entity with name set to 'foo' already declared"] },
            message: 'declarative config is invalid: {services={[2]="uniqueness violation: \'services\' entity with name set to \'foo\' already declared"}}',
            name: 'invalid declarative configuration',
          });
        });

        it('returns 400 on a regular key uniqueness error', async () => {
          const res = await k.post('/config', { body: { config: unindent(`
            _format_version: "1.1"
            consumers:
            - username: foo
              custom_id: conflict
            - username: bar
              custom_id: conflict
          `) } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({
            code: 14,
            fields: { consumers: { bar: "uniqueness violation: 'consumers' entity with custom_id set to 'conflict' already declared" } },
            message: 'declarative config is invalid: {consumers={bar="uniqueness violation: \'consumers\' entity with custom_id set to \'conflict\' already declared"}}',
            name: 'invalid declarative configuration',
          });
        });

        it('returns 400 when given no input', async () => {
          // The spec sends no body at all: the document requires one, and Kong refuses it too.
          const res = await k.post('/config');
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ message: 'expected a declarative configuration' });
        });

        it('sparse responses are correctly generated', async () => {
          const keyAuth = { name: 'key-auth', enabled: true, protocols: ['http', 'https'] };
          const cors = {
            name: 'cors', enabled: true, protocols: ['http', 'https'],
            config: { credentials: true, exposed_headers: ['*'], headers: ['*'], methods: ['*'], origins: ['*'], preflight_continue: true },
          };
          const res = await k.post('/config', { body: { config: JSON.stringify({ _format_version: '1.1', plugins: [...Array.from({ length: 10 }, () => keyAuth), cors] }) } });
          expect(res.status).toBe(400);
        });
      });

      describe('GET', () => {
        it('returns back the configuration', async () => {
          const res = await k.post('/config', {
            body: { _format_version: '1.1', consumers: [{ username: 'bobo', id: 'd885e256-1abe-5e24-80b6-8f68fe59ea8e', created_at: 1566863706 }] },
          });
          expect(res.status).toBe(201);
          const got = await k.get('/config');
          expect(got.status).toBe(200);
          const { parse } = await import('yaml');
          const config = parse(got.body.config);
          expect(config).toEqual({
            _format_version: '3.0',
            _transform: false,
            consumers: [{
              id: 'd885e256-1abe-5e24-80b6-8f68fe59ea8e', created_at: 1566863706, updated_at: config.consumers[0].updated_at,
              username: 'bobo', custom_id: null, tags: null,
            }],
          });
        });
      });
    });
  });

  describe('/upstreams', () => {
    it('can set target health without port', async () => {
      const config = unindent(`
        _format_version: "1.1"
        services:
        - host: foo
          routes:
          - paths:
            - "/"
        upstreams:
        - name: "foo"
          targets:
            - target: 10.20.30.40
          healthchecks:
            passive:
              healthy:
                successes: 1
              unhealthy:
                http_failures: 1
      `);
      expect((await k.post('/config', { body: { config } })).status).toBe(201);
      const res = await k.get('/upstreams/foo/targets');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body.data)).toBe(true);
      expect(res.body.data).toHaveLength(1);
      const id: string = res.body.data[0].id;
      expect(typeof id).toBe('string');
      // the health endpoints answer per node and are not in our document (README: left out on purpose)
      expect((await k.put(`/upstreams/foo/targets/${id}/10.20.30.40/unhealthy`, { undocumented: true })).status).toBe(204);
    });

    it('targets created missing ports listed with ports', async () => {
      const config = unindent(`
        _format_version: "1.1"
        services:
        - host: foo
          routes:
          - paths:
            - "/"
        upstreams:
        - name: "foo"
          targets:
          - target: 10.20.30.40
          - target: 50.60.70.80:90
      `);
      expect((await k.post('/config', { body: { config } })).status).toBe(201);
      const res = await k.get('/upstreams/foo/targets/all');
      expect(res.status).toBe(200);
      const data = [...res.body.data].sort((a: Json, b: Json) => (a.target < b.target ? -1 : 1));
      expect(data[0].target).toBe('10.20.30.40:8000');
      expect(data[1].target).toBe('50.60.70.80:90');
    });
  });
}, { database: 'off' });

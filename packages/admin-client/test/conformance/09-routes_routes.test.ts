/**
 * spec/02-integration/04-admin_api/09-routes_routes_spec.lua at 3.9.3
 * ("Admin API Override" needs the api-override fixture plugin: not translated).
 */
import { fresh, kongSpec, uuid, type Harness } from './harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROTOCOLS_ONE_OF = 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp';
const service = (k: Harness, extra: Record<string, unknown> = {}) => k.insert('services', { host: 'example.test', ...extra });
const namedService = (k: Harness, extra: Record<string, unknown> = {}) => service(k, { name: fresh('service-'), ...extra });
const route = (k: Harness, body: Record<string, unknown>) => k.insert('routes', body);

kongSpec('spec/02-integration/04-admin_api/09-routes_routes_spec.lua', (k) => {
  describe('/routes', () => {
    describe('OPTIONS', () => {
      it('returns allow and CORS headers with OPTIONS method', async () => {
        const res = await k.send('OPTIONS', '/routes', { undocumented: true });
        expect(res.status).toBe(204);
        expect(res.text).toBe('');
        expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
        expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS, POST');
        expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type');
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
        expect(res.headers.get('x-kong-admin-latency')).not.toBeNull();
      });
    });

    describe('POST', () => {
      it('creates a route with application/json', async () => {
        const s = service(k);
        const res = await k.post('/routes', { body: { protocols: ['http'], hosts: ['my.route.test'], headers: { location: ['my-location'] }, service: s } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ hosts: ['my.route.test'], headers: { location: ['my-location'] }, name: null, paths: null, preserve_host: false, strip_path: true });
        expect(typeof res.body.created_at).toBe('number');
        expect(typeof res.body.regex_priority).toBe('number');
        expect(typeof res.body.id).toBe('string');
      });

      it('creates a route #grpc with application/json', async () => {
        const res = await k.post('/routes', { body: { protocols: ['grpc', 'grpcs'], hosts: ['my.route.test'], service: service(k) } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ hosts: ['my.route.test'], name: null, paths: null, preserve_host: false, strip_path: false, protocols: ['grpc', 'grpcs'] });
      });

      it('creates a route without service with application/json', async () => {
        const res = await k.post('/routes', { body: { protocols: ['http'], hosts: ['my.route.test'] } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ hosts: ['my.route.test'], name: null, paths: null, service: null, preserve_host: false, strip_path: true });
      });

      it('creates a route without service #grpc with application/json', async () => {
        const res = await k.post('/routes', { body: { protocols: ['grpc', 'grpcs'], hosts: ['my.route.test'] } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ service: null, strip_path: false, protocols: ['grpc', 'grpcs'] });
      });

      it('creates a complex route with application/json', async () => {
        const s = service(k);
        const res = await k.post('/routes', { body: { protocols: ['http'], methods: ['GET', 'POST', 'PATCH'], hosts: ['foo.api.test', 'bar.api.test'], paths: ['/foo', '/bar'], service: { id: s.id } } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ hosts: ['foo.api.test', 'bar.api.test'], paths: ['/foo', '/bar'], methods: ['GET', 'POST', 'PATCH'], service: { id: s.id } });
      });

      it('creates a complex route #grpc with application/json', async () => {
        const s = service(k);
        const res = await k.post('/routes', { body: { protocols: ['grpc', 'grpcs'], hosts: ['foo.api.test', 'bar.api.test'], paths: ['/foo', '/bar'], service: { id: s.id } } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ paths: ['/foo', '/bar'], service: { id: s.id }, protocols: ['grpc', 'grpcs'] });
      });

      it('creates a complex route by referencing a service by name with application/json', async () => {
        const s = namedService(k);
        const res = await k.post('/routes', { body: { protocols: ['http'], methods: ['GET', 'POST', 'PATCH'], hosts: ['foo.api.test', 'bar.api.test'], paths: ['/foo', '/bar'], service: { name: s.name } } });
        expect(res.status).toBe(201);
        expect(res.body.service.id).toBe(s.id);
      });

      it('creates a complex route by referencing a service by name #grpc with application/json', async () => {
        const s = namedService(k);
        const res = await k.post('/routes', { body: { protocols: ['grpc', 'grpcs'], hosts: ['foo.api.test', 'bar.api.test'], paths: ['/foo', '/bar'], service: { name: s.name } } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ service: { id: s.id }, protocols: ['grpc', 'grpcs'] });
      });

      describe('errors', () => {
        it('handles malformed JSON body', async () => {
          const res = await k.post('/routes', { raw: '{"hello": "world"', headers: { 'content-type': 'application/json' } });
          expect(res.status).toBe(400);
          expect(res.text).toBe('{"message":"Cannot parse JSON body"}');
        });

        it('handles invalid input with application/json', async () => {
          const httpsMessage = "must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'";
          let res = await k.post('/routes', { body: {} });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ code: 2, name: 'schema violation', message: `schema violation (${httpsMessage})`, fields: { '@entity': [httpsMessage] } });

          res = await k.post('/routes', { body: { protocols: ['https'] } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ code: 2, name: 'schema violation', message: `schema violation (${httpsMessage})`, fields: { '@entity': [httpsMessage] } });

          res = await k.post('/routes', { body: { methods: ['GET'], protocols: ['foo', 'http'] } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ code: 2, name: 'schema violation', message: `schema violation (protocols.1: ${PROTOCOLS_ONE_OF})`, fields: { protocols: [PROTOCOLS_ONE_OF] } });

          res = await k.post('/routes', { body: { methods: ['GET'], protocols: ['foo', 'http'], service: { protocol: 'foo' } } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({
            code: 2, name: 'schema violation',
            message: `2 schema violations (protocols.1: ${PROTOCOLS_ONE_OF}; service.protocol: ${PROTOCOLS_ONE_OF})`,
            fields: { protocols: [PROTOCOLS_ONE_OF], service: { protocol: PROTOCOLS_ONE_OF } },
          });

          res = await k.post('/routes', { body: { methods: ['GET'], service: { name: 'non-existing' } } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({
            code: 13, name: 'foreign keys unresolved',
            message: "foreign key unresolved (service.name: the foreign key cannot be resolved with '{name=\"non-existing\"}' for an existing 'services' entity)",
            fields: { service: { name: "the foreign key cannot be resolved with '{name=\"non-existing\"}' for an existing 'services' entity" } },
          });

          res = await k.post('/routes', { body: { methods: ['GET'], service: { name: null } } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ code: 2, name: 'schema violation', message: 'schema violation (service.id: missing primary key)', fields: { service: { id: 'missing primary key' } } });

          res = await k.post('/routes', { body: { methods: ['GET'], service: { protocol: 'http' } } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ code: 2, name: 'schema violation', message: 'schema violation (service.id: missing primary key)', fields: { service: { id: 'missing primary key' } } });
        });
      });
    });

    describe('GET', () => {
      describe('with data', () => {
        beforeEach(() => {
          for (let i = 1; i <= 10; i++) route(k, { paths: [`/route-${i}`] });
        });

        it('retrieves the first page', async () => {
          const res = await k.get('/routes');
          expect(res.status).toBe(200);
          expect(res.body.data).toHaveLength(10);
        });

        it('paginates a set', async () => {
          const pages: unknown[] = [];
          let offset: string | undefined;
          for (let i = 1; i <= 4; i++) {
            const res = await k.get('/routes', { query: { size: 3, ...(offset ? { offset } : {}) } });
            expect(res.status).toBe(200);
            expect(res.body.data).toHaveLength(i < 4 ? 3 : 1);
            if (i > 1) expect(res.body).not.toEqual(pages[i - 2]);
            offset = res.body.offset;
            pages.push(res.body);
          }
        });
      });

      describe('with no data', () => {
        it('data property is an empty array and not an empty hash', async () => {
          const res = await k.get('/routes');
          expect(res.status).toBe(200);
          expect(res.text).toMatch(/"data":\[\]/);
          expect(res.body).toEqual({ data: [], next: null });
        });
      });

      describe('errors', () => {
        it('handles invalid filters', async () => {
          const res = await k.get('/routes', { query: { foo: 'bar' }, undocumented: true });
          expect(res.status).toBe(200);
          expect(res.body).toEqual({ data: [], next: null });
        });

        it('handles invalid size', async () => {
          let res = await k.get('/routes', { query: { size: 'x' } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ code: 9, name: 'invalid size', message: 'size must be a number' });
          res = await k.get('/routes', { query: { size: 'potato' } });
          expect(res.status).toBe(400);
          expect({ ...res.body, message: undefined }).toEqual({ code: 9, name: 'invalid size', message: undefined });
        });

        it('handles invalid offsets', async () => {
          let res = await k.get('/routes', { query: { offset: 'x' } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ code: 7, name: 'invalid offset', message: "'x' is not a valid offset: bad base64 encoding" });
          res = await k.get('/routes', { query: { offset: '|potato|' } });
          expect(res.status).toBe(400);
          expect({ ...res.body, message: undefined }).toEqual({ code: 7, name: 'invalid offset', message: undefined });
        });

        it('ignores an invalid body', async () => {
          expect((await k.get('/routes', { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true })).status).toBe(200);
        });
      });
    });

    it('returns HTTP 405 on invalid method', async () => {
      for (const method of ['DELETE', 'PUT', 'PATCH']) {
        const res = await k.send(method, '/routes', { body: {} });
        expect(res.status).toBe(405);
        expect(res.body).toEqual({ message: 'Method not allowed' });
      }
    });

    describe('/routes/{route}', () => {
      describe('OPTIONS', () => {
        it('returns allow and CORS headers with OPTIONS method', async () => {
          const res = await k.send('OPTIONS', '/routes/test', { undocumented: true });
          expect(res.status).toBe(204);
          expect(res.headers.get('allow')).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, PUT');
          expect(res.headers.get('access-control-allow-methods')).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, PUT');
          expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type');
          expect(res.headers.get('access-control-allow-origin')).toBe('*');
        });
      });

      describe('GET', () => {
        it('retrieves by id', async () => {
          const r = route(k, { paths: ['/my-route'] });
          const res = await k.get(`/routes/${r.id}`);
          expect(res.status).toBe(200);
          expect(res.body).toEqual(r);
        });

        it('retrieves by name', async () => {
          const r = route(k, { name: fresh('route-'), paths: ['/my-route'] });
          expect((await k.get(`/routes/${r.name}`)).body).toEqual(r);
        });

        it('retrieves by utf-8 name and percent-escaped utf-8 name', async () => {
          const r = route(k, { methods: ['GET'], name: '円' });
          const res = await k.get('/routes/%E5%86%86');
          expect(res.status).toBe(200);
          expect(res.body).toEqual(r);
        });

        it('returns 404 if not found', async () => {
          expect((await k.get(`/routes/${uuid()}`)).status).toBe(404);
        });

        it('returns 404 if not found by name', async () => {
          expect((await k.get('/routes/not-found')).status).toBe(404);
        });

        it('ignores an invalid body', async () => {
          const r = route(k, { paths: ['/my-route'] });
          expect((await k.get(`/routes/${r.id}`, { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true })).status).toBe(200);
        });

        it('ignores an invalid body by name', async () => {
          const r = route(k, { name: fresh('route-'), paths: ['/my-route'] });
          expect((await k.get(`/routes/${r.name}`, { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true })).status).toBe(200);
        });
      });

      describe('PUT', () => {
        it('creates if not found with application/json', async () => {
          const s = service(k);
          const id = uuid();
          const res = await k.put(`/routes/${id}`, { body: { paths: ['/updated-paths'], service: s } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ paths: ['/updated-paths'], hosts: null, methods: null, id });
          expect(k.kong.entities('routes')).toEqual([res.body]);
        });

        it('creates without service if not found with application/json', async () => {
          const id = uuid();
          const res = await k.put(`/routes/${id}`, { body: { paths: ['/updated-paths'] } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ paths: ['/updated-paths'], hosts: null, methods: null, service: null, id });
        });

        it('creates if not found by name with application/json', async () => {
          const s = service(k);
          const res = await k.put('/routes/my-route', { body: { paths: ['/updated-paths'], service: s } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ paths: ['/updated-paths'], hosts: null, methods: null, name: 'my-route' });
          expect(k.kong.entities('routes')).toEqual([res.body]);
        });

        it('updates if found with application/json', async () => {
          const r = route(k, { paths: ['/my-route'] });
          const res = await k.put(`/routes/${r.id}`, { body: { paths: ['/updated-paths'], service: r.service } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ paths: ['/updated-paths'], hosts: null, methods: null, id: r.id });
          expect(k.kong.entities('routes')).toEqual([res.body]);
        });

        it('updates if found by name with application/json', async () => {
          const r = route(k, { name: 'my-put-route', paths: ['/my-route'] });
          const res = await k.put('/routes/my-put-route', { body: { paths: ['/updated-paths'], service: r.service } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ paths: ['/updated-paths'], hosts: null, methods: null, id: r.id, name: r.name });
          expect(k.kong.entities('routes')).toEqual([res.body]);
        });

        it('handles same parameter in url and params gracefully with application/json', async () => {
          const res = await k.put('/routes/my-put-route', { body: { routes: { test: [{ test: 'test' }] }, tags: 'test' } });
          expect(res.status).toBe(400);
        });

        describe('errors', () => {
          it('handles malformed JSON body', async () => {
            const r = route(k, { paths: ['/my-route'] });
            const res = await k.put(`/routes/${r.id}`, { raw: '{"hello": "world"', headers: { 'content-type': 'application/json' } });
            expect(res.status).toBe(400);
            expect(res.text).toBe('{"message":"Cannot parse JSON body"}');
          });

          it('handles invalid input with application/json', async () => {
            const httpsMessage = "must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'";
            let res = await k.put(`/routes/${uuid()}`, { body: {} });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({ code: 2, name: 'schema violation', message: `schema violation (${httpsMessage})`, fields: { '@entity': [httpsMessage] } });
            res = await k.put(`/routes/${uuid()}`, { body: { methods: ['GET'], protocols: ['foo', 'http'] } });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({ code: 2, name: 'schema violation', message: `schema violation (protocols.1: ${PROTOCOLS_ONE_OF})`, fields: { protocols: [PROTOCOLS_ONE_OF] } });
            const r = route(k, { paths: ['/my-route'] });
            res = await k.put(`/routes/${r.id}`, { body: { service: r.service, paths: ['/'], regex_priority: 'foobar' } });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({ code: 2, name: 'schema violation', message: 'schema violation (regex_priority: expected an integer)', fields: { regex_priority: 'expected an integer' } });
          });

          it('handles invalid input #grpc with application/json', async () => {
            const grpcs = "must set one of 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'grpcs'";
            let res = await k.post('/routes', { body: { protocols: ['grpc', 'grpcs'] } });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({ code: 2, name: 'schema violation', message: `schema violation (${grpcs})`, fields: { '@entity': [grpcs] } });
            res = await k.post('/routes', { body: { protocols: ['grpc', 'grpcs'], paths: ['/'], strip_path: true } });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({
              code: 2, name: 'schema violation', message: "schema violation (strip_path: cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs')",
              fields: { strip_path: "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'" },
            });
            res = await k.post('/routes', { body: { protocols: ['grpc', 'grpcs'], paths: ['/'], methods: ['GET'] } });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({
              code: 2, name: 'schema violation', message: "schema violation (methods: cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs')",
              fields: { methods: "cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'" },
            });
          });
        });
      });

      describe('PATCH', () => {
        it('updates if found with application/json', async () => {
          const r = route(k, { paths: ['/my-route'] });
          const res = await k.patch(`/routes/${r.id}`, { body: { methods: null, hosts: null, paths: ['/updated-paths'] } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ paths: ['/updated-paths'], hosts: null, methods: null, id: r.id });
          expect(k.kong.entities('routes')).toEqual([res.body]);
        });

        it('updates if found by name with application/json', async () => {
          const r = route(k, { name: 'my-patch-route', paths: ['/my-route'] });
          const res = await k.patch('/routes/my-patch-route', { body: { methods: null, hosts: null, paths: ['/updated-paths'] } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ paths: ['/updated-paths'], hosts: null, methods: null, id: r.id });
        });

        it('updates strip_path if not previously set with application/json', async () => {
          const r = route(k, { paths: ['/my-route'] });
          const res = await k.patch(`/routes/${r.id}`, { body: { strip_path: true } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ strip_path: true, id: r.id });
        });

        it('updates multiple fields at once with application/json', async () => {
          const r = route(k, { paths: ['/my-route'] });
          const res = await k.patch(`/routes/${r.id}`, { body: { methods: null, paths: ['/my-updated-path'], hosts: ['my-updated.tld'] } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ paths: ['/my-updated-path'], hosts: ['my-updated.tld'], methods: null, id: r.id });
        });

        it('with application/json removes optional field with ngx.null', async () => {
          const r = route(k, { paths: ['/my-route'] });
          const res = await k.patch(`/routes/${r.id}`, { body: { methods: null, paths: null, hosts: ['my-updated.tld'] } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ paths: null, hosts: ['my-updated.tld'], methods: null, id: r.id });
        });

        it('allows updating sets and arrays with en empty array', async () => {
          const r = route(k, { paths: ['/my-route'] });
          const res = await k.patch(`/routes/${r.id}`, { body: { methods: [], paths: [], hosts: ['my-updated.tld'] } });
          expect(res.status).toBe(200);
          expect(res.text).toMatch(/"methods":\[\]/);
          expect(res.text).toMatch(/"paths":\[\]/);
          expect(res.body).toMatchObject({ hosts: ['my-updated.tld'], id: r.id });
        });

        it('removes service association with application/json', async () => {
          const r = route(k, { name: 'my-patch-route', paths: ['/my-route'], service: { id: service(k).id } });
          const res = await k.patch('/routes/my-patch-route', { body: { methods: null, hosts: null, service: null, paths: ['/updated-paths'] } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ paths: ['/updated-paths'], hosts: null, methods: null, service: null, id: r.id });
        });

        describe('errors', () => {
          it('returns 404 if not found with application/json', async () => {
            expect((await k.patch(`/routes/${uuid()}`, { body: { methods: null, hosts: null, paths: ['/my-updated-path'] } })).status).toBe(404);
          });

          it('handles invalid input with application/json', async () => {
            const r = route(k, { paths: ['/my-route'] });
            const res = await k.patch(`/routes/${r.id}`, { body: { regex_priority: 'foobar' } });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({ code: 2, name: 'schema violation', message: 'schema violation (regex_priority: expected an integer)', fields: { regex_priority: 'expected an integer' } });
          });
        });
      });

      describe('DELETE', () => {
        it('deletes a route', async () => {
          const r = route(k, { paths: ['/my-route'] });
          const res = await k.delete(`/routes/${r.id}`);
          expect(res.status).toBe(204);
          expect(res.text).toBe('');
          expect(k.kong.entities('routes')).toEqual([]);
        });

        it('deletes a route by name', async () => {
          route(k, { name: 'my-delete-route', paths: ['/my-route'] });
          expect((await k.delete('/routes/my-delete-route')).status).toBe(204);
          expect(k.kong.entities('routes')).toEqual([]);
        });

        describe('errors', () => {
          it('returns HTTP 204 even if not found', async () => {
            expect((await k.delete(`/routes/${uuid()}`)).status).toBe(204);
          });
        });
      });
    });

    describe('/routes/{route}/service', () => {
      describe('GET', () => {
        it('retrieves by id', async () => {
          const s = service(k, { path: '/' });
          const r = route(k, { paths: ['/my-route'], service: { id: s.id } });
          const res = await k.get(`/routes/${r.id}/service`);
          expect(res.status).toBe(200);
          expect(res.body).toEqual(s);
        });

        it('retrieves by name', async () => {
          const s = service(k, { path: '/' });
          route(k, { name: 'my-get-route', paths: ['/my-route'], service: { id: s.id } });
          expect((await k.get('/routes/my-get-route/service')).body).toEqual(s);
        });

        it('returns 404 if not found', async () => {
          expect((await k.get(`/routes/${uuid()}/service`)).status).toBe(404);
        });

        it('returns 404 if not found by name', async () => {
          expect((await k.get('/routes/my-in-existent-route/service')).status).toBe(404);
        });

        it('ignores an invalid body', async () => {
          const r = route(k, { paths: ['/my-route'], service: { id: service(k).id } });
          expect((await k.get(`/routes/${r.id}/service`, { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true })).status).toBe(200);
        });
      });

      for (const method of ['PATCH', 'PUT'] as const) {
        describe(method, () => {
          it('updates if found with application/json', async () => {
            const s = namedService(k, { path: '/' });
            const r = route(k, { paths: ['/my-route'], service: { id: s.id } });
            const res = await k.send(method, `/routes/${r.id}/service`, { body: { name: `name-${s.name}`, host: `edited-${s.host}`, path: null } });
            expect(res.status).toBe(200);
            expect(res.body).toMatchObject({ name: `name-${s.name}`, host: `edited-${s.host}`, path: null });
            expect(k.kong.entities('services')).toEqual([res.body]);
          });

          it('updates if found by name with application/json', async () => {
            const s = namedService(k, { path: '/' });
            route(k, { name: 'my-service-patch-route', paths: ['/my-route'], service: { id: s.id } });
            const res = await k.send(method, '/routes/my-service-patch-route/service', { body: { name: `name-${s.name}`, host: `edited-${s.host}`, path: null } });
            expect(res.status).toBe(200);
            expect(res.body).toMatchObject({ name: `name-${s.name}`, host: `edited-${s.host}`, path: null });
          });

          it('updates with url with application/json', async () => {
            const s = service(k, { path: '/' });
            const r = route(k, { paths: ['/my-route'], service: { id: s.id } });
            const res = await k.send(method, `/routes/${r.id}/service`, { body: { url: 'http://edited2.test:1234/foo' } });
            expect(res.status).toBe(200);
            expect(res.body).toMatchObject({ host: 'edited2.test', port: 1234, path: '/foo' });
            expect(k.kong.entities('services')).toEqual([res.body]);
          });

          describe('errors', () => {
            it('returns 404 if not found with application/json', async () => {
              expect((await k.send(method, `/routes/${uuid()}/service`, { body: { name: 'edited', host: 'edited.test', path: null } })).status).toBe(404);
            });

            it('handles invalid input with application/json', async () => {
              const s = service(k, { path: '/' });
              const r = route(k, { paths: ['/my-route'], service: { id: s.id } });
              const res = await k.send(method, `/routes/${r.id}/service`, { body: { connect_timeout: 'foobar' } });
              expect(res.status).toBe(400);
              expect(res.body).toEqual(method === 'PATCH'
                ? { code: 2, name: 'schema violation', message: 'schema violation (connect_timeout: expected an integer)', fields: { connect_timeout: 'expected an integer' } }
                : {
                  code: 2, name: 'schema violation', message: '2 schema violations (connect_timeout: expected an integer; host: required field missing)',
                  fields: { connect_timeout: 'expected an integer', host: 'required field missing' },
                });
            });
          });
        });
      }

      describe('PUT (a route without a service)', () => {
        it('creates if not found with application/json', async () => {
          const r = route(k, { paths: ['/my-route'] });
          const res = await k.put(`/routes/${r.id}/service`, { body: { url: 'http://konghq.test' } });
          expect(res.status).toBe(200);
          expect(res.body.host).toBe('konghq.test');
          expect(k.kong.entities('services')).toEqual([res.body]);
          expect(k.kong.entities('routes')[0].service).toEqual({ id: res.body.id });
        });
      });

      describe('DELETE', () => {
        describe('errors', () => {
          it('returns HTTP 405 when trying to delete a service that is referenced', async () => {
            const r = route(k, { paths: ['/my-route'], service: { id: service(k).id } });
            const res = await k.delete(`/routes/${r.id}/service`, { undocumented: true });
            expect(res.status).toBe(405);
            expect(res.body).toEqual({ message: 'Method not allowed' });
          });

          it('returns HTTP 404 with non-existing route', async () => {
            expect((await k.delete(`/routes/${uuid()}/service`)).status).toBe(404);
          });

          it('returns HTTP 404 with non-existing route by name', async () => {
            expect((await k.delete('/routes/in-existent-route/service')).status).toBe(404);
          });
        });
      });
    });

    describe('/routes/{route}/plugins', () => {
      describe('POST', () => {
        it('creates a plugin config on a Route with application/json', async () => {
          const r = route(k, { paths: ['/my-route'] });
          const res = await k.post(`/routes/${r.id}/plugins`, { body: { name: 'key-auth', config: { key_names: ['apikey', 'key'] } } });
          expect(res.status).toBe(201);
          expect(res.body.name).toBe('key-auth');
          expect(res.body.config.key_names).toEqual(['apikey', 'key']);
        });

        describe('errors', () => {
          it('handles invalid input with application/json', async () => {
            const r = route(k, { paths: ['/my-route'] });
            const res = await k.post(`/routes/${r.id}/plugins`, { body: {} });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({ code: 2, fields: { name: 'required field missing' }, message: 'schema violation (name: required field missing)', name: 'schema violation' });
          });

          it('returns 409 on conflict (same plugin name) with application/json', async () => {
            const r = route(k, { paths: ['/my-route'] });
            expect((await k.post(`/routes/${r.id}/plugins`, { body: { name: 'basic-auth' } })).status).toBe(201);
            const res = await k.post(`/routes/${r.id}/plugins`, { body: { name: 'basic-auth' } });
            expect(res.status).toBe(409);
            expect(res.body).toEqual({
              code: 5, name: 'unique constraint violation',
              fields: { consumer: null, name: 'basic-auth', route: { id: r.id }, service: null },
              message: `UNIQUE violation detected on '{consumer=null,name="basic-auth",route={id="${r.id}"},service=null}'`,
            });
          });
        });
      });

      describe('GET', () => {
        it('retrieves the first page', async () => {
          const r = route(k, { paths: ['/my-route'] });
          k.insert('plugins', { name: 'key-auth', route: { id: r.id } });
          const res = await k.get(`/routes/${r.id}/plugins`);
          expect(res.status).toBe(200);
          expect(res.body.data).toHaveLength(1);
        });

        it('retrieves the first page by name', async () => {
          const r = route(k, { name: 'my-plugins-route', paths: ['/my-route'] });
          k.insert('plugins', { name: 'key-auth', route: { id: r.id } });
          expect((await k.get('/routes/my-plugins-route/plugins')).body.data).toHaveLength(1);
        });

        it('ignores an invalid body', async () => {
          const r = route(k, { paths: ['/my-route'] });
          expect((await k.get(`/routes/${r.id}/plugins`, { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true })).status).toBe(200);
        });
      });
    });

    describe('/routes/{route}/plugins/{plugin}', () => {
      const setup = (instanceName?: string) => {
        const s = service(k);
        const r = route(k, { service: { id: s.id }, hosts: ['example.test'] });
        const plugin = k.insert('plugins', { name: 'key-auth', route: { id: r.id }, ...(instanceName ? { instance_name: instanceName } : {}) });
        return { r, plugin };
      };

      describe('GET', () => {
        it('retrieves a plugin by id', async () => {
          const { r, plugin } = setup();
          const res = await k.get(`/routes/${r.id}/plugins/${plugin.id}`);
          expect(res.status).toBe(200);
          expect(res.body).toEqual(k.kong.entities('plugins')[0]);
        });

        it('retrieves a plugin by instance_name', async () => {
          const { r, plugin } = setup(`name-${uuid()}`);
          const res = await k.get(`/routes/${r.id}/plugins/${plugin.instance_name}`);
          expect(res.status).toBe(200);
          expect(res.body).toEqual(plugin);
        });
      });

      describe('DELETE', () => {
        it('deletes a plugin by id', async () => {
          const { r, plugin } = setup();
          expect((await k.delete(`/routes/${r.id}/plugins/${plugin.id}`)).status).toBe(204);
          expect(k.kong.entities('plugins')).toEqual([]);
        });

        it('deletes a plugin by instance_name', async () => {
          const { r, plugin } = setup(`name-${uuid()}`);
          expect((await k.delete(`/routes/${r.id}/plugins/${plugin.instance_name}`)).status).toBe(204);
          expect(k.kong.entities('plugins')).toEqual([]);
        });
      });
    });
  });
});

export type { Json };

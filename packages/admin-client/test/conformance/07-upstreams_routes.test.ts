/** spec/02-integration/04-admin_api/07-upstreams_routes_spec.lua at 3.9.3. */
import { kongSpec } from './harness';

const SLOTS_DEFAULT = 10000;
const SLOTS_MAX = 2 ** 16;

kongSpec('spec/02-integration/04-admin_api/07-upstreams_routes_spec.lua', (k) => {
  describe('/upstreams', () => {
    describe('POST', () => {
      it('creates an upstream with defaults with application/json', async () => {
        const res = await k.post('/upstreams', { body: { name: 'my.upstream' } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ name: 'my.upstream', slots: SLOTS_DEFAULT, hash_on: 'none', hash_fallback: 'none', hash_on_header: null, hash_fallback_header: null });
        expect(typeof res.body.created_at).toBe('number');
        expect(typeof res.body.id).toBe('string');
      });

      it('creates an upstream without defaults with application/json', async () => {
        const res = await k.post('/upstreams', {
          body: { name: 'my.upstream', slots: 10, hash_on: 'consumer', hash_fallback: 'ip', hash_on_header: 'HeaderName', hash_fallback_header: 'HeaderFallback' },
        });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ name: 'my.upstream', slots: 10, hash_on: 'consumer', hash_fallback: 'ip', hash_on_header: 'HeaderName', hash_fallback_header: 'HeaderFallback' });
      });

      it('creates an upstream with hash_on cookie parameters with application/json', async () => {
        const res = await k.post('/upstreams', { body: { name: 'my.upstream', hash_on: 'cookie', hash_on_cookie: 'CookieName1', hash_on_cookie_path: '/foo' } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ name: 'my.upstream', hash_on: 'cookie', hash_on_cookie: 'CookieName1', hash_on_cookie_path: '/foo' });
      });

      it('creates an upstream with 2 header hashes with application/json', async () => {
        const res = await k.post('/upstreams', {
          body: { name: 'my.upstream', slots: 10, hash_on: 'header', hash_fallback: 'header', hash_on_header: 'HeaderName1', hash_fallback_header: 'HeaderName2' },
        });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ slots: 10, hash_on: 'header', hash_fallback: 'header', hash_on_header: 'HeaderName1', hash_fallback_header: 'HeaderName2' });
      });

      it(`creates an upstream with ${SLOTS_MAX} slots with application/json`, async () => {
        const res = await k.post('/upstreams', { body: { name: 'my.upstream', slots: SLOTS_MAX } });
        expect(res.status).toBe(201);
        expect(res.body.slots).toBe(SLOTS_MAX);
      });

      it('creates an upstream with host header with application/json', async () => {
        const res = await k.post('/upstreams', { body: { name: 'my.upstream', host_header: 'localhost' } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ slots: SLOTS_DEFAULT, hash_on: 'none', hash_fallback: 'none', hash_on_header: null, hash_fallback_header: null, host_header: 'localhost' });
      });

      describe('errors', () => {
        it('handles malformed JSON body', async () => {
          const res = await k.post('/upstreams', { raw: '{"hello": "world"', headers: { 'content-type': 'application/json' } });
          expect(res.status).toBe(400);
          expect(res.text).toBe('{"message":"Cannot parse JSON body"}');
        });

        it('handles invalid input with application/json', async () => {
          const fields = async (body: unknown) => {
            const res = await k.post('/upstreams', { body });
            expect(res.status).toBe(400);
            expect(res.body.name).toBe('schema violation');
            return res.body.fields;
          };
          const fallbackOneOf = 'expected one of: none, ip, header, cookie, path, query_arg, uri_capture';
          const conditional = (field: string) => [`failed conditional validation given value of field '${field}'`];
          const cookieMessage = 'contains one or more invalid characters. ASCII control characters (0-31;127), space, tab and the characters ()<>@,;:\\"/?={}[] are not allowed.';
          expect(await fields({ slots: 50 })).toEqual({ name: 'required field missing' });
          expect(await fields({ name: 'some invalid host name' })).toEqual({ name: "Invalid name ('some invalid host name'); must be a valid hostname" });
          expect(await fields({ name: 'my.upstream', slots: 2 ** 16 + 1 })).toEqual({ slots: 'value should be between 10 and 65536' });
          expect(await fields({ name: 'my.upstream', hash_on: 'something that is invalid' }))
            .toEqual({ hash_on: 'expected one of: none, consumer, ip, header, cookie, path, query_arg, uri_capture' });
          expect(await fields({ name: 'my.upstream', hash_on: 'consumer', hash_fallback: 'something that is invalid' }))
            .toEqual({ '@entity': conditional('hash_on'), hash_fallback: fallbackOneOf });
          expect(await fields({ name: 'my.upstream', hash_on: 'consumer', hash_fallback: 'consumer' }))
            .toEqual({ '@entity': conditional('hash_on'), hash_fallback: fallbackOneOf });
          expect((await fields({ name: 'my.upstream', hash_on: 'header', hash_fallback: 'consumer', hash_on_header: 'not a <> valid <> header name' })).hash_on_header)
            .toBe("bad header name 'not a <> valid <> header name', allowed characters are A-Z, a-z, 0-9, '_', and '-'");
          expect((await fields({ name: 'my.upstream', hash_on: 'consumer', hash_fallback: 'header', hash_fallback_header: 'not a <> valid <> header name' })).hash_fallback_header)
            .toBe("bad header name 'not a <> valid <> header name', allowed characters are A-Z, a-z, 0-9, '_', and '-'");
          expect(await fields({ name: 'my.upstream', hash_on: 'header', hash_fallback: 'header', hash_on_header: 'headername', hash_fallback_header: 'headername' }))
            .toEqual({ '@entity': ["values of these fields must be distinct: 'hash_on_header', 'hash_fallback_header'"] });
          expect(await fields({ name: 'my.upstream', hash_on: 'cookie', hash_on_cookie: 'cookiename', hash_fallback: 'header', hash_fallback_header: 'Cool-Header' }))
            .toEqual({ '@entity': conditional('hash_on'), hash_fallback: 'expected one of: none' });
          expect(await fields({ name: 'my.upstream', hash_on: 'header', hash_fallback: 'header', hash_fallback_header: 'HeaderName' }))
            .toEqual({ '@entity': conditional('hash_on'), hash_on_header: 'required field missing' });
          expect(await fields({ name: 'my.upstream', hash_on: 'consumer', hash_fallback: 'header' }))
            .toEqual({ '@entity': conditional('hash_fallback'), hash_fallback_header: 'required field missing' });
          expect((await fields({ name: 'my.upstream', hash_on: 'cookie', hash_on_cookie: 'not a <> valid <> cookie name' })).hash_on_cookie).toBe(cookieMessage);
          expect(await fields({ name: 'my.upstream', hash_on: 'cookie', hash_on_cookie: 'hashme', hash_on_cookie_path: 'not a path' }))
            .toEqual({ hash_on_cookie_path: 'should start with: /' });
          expect((await fields({ name: 'my.upstream', hash_on: 'consumer', hash_fallback: 'cookie', hash_on_cookie: 'not a <> valid <> cookie name' })).hash_on_cookie).toBe(cookieMessage);
          expect(await fields({ name: 'my.upstream', hash_on: 'consumer', hash_fallback: 'cookie', hash_on_cookie: 'my-cookie', hash_on_cookie_path: 'not a path' }))
            .toEqual({ hash_on_cookie_path: 'should start with: /' });
        });

        it('returns 409 on conflict with application/json', async () => {
          expect((await k.post('/upstreams', { body: { name: 'my.upstream' } })).status).toBe(201);
          const res = await k.post('/upstreams', { body: { name: 'my.upstream' } });
          expect(res.status).toBe(409);
          expect(res.body.name).toBe('unique constraint violation');
          expect(res.body.fields).toEqual({ name: 'my.upstream' });
        });
      });
    });

    describe('PUT', () => {
      it('creates if not exists with application/json', async () => {
        const res = await k.put('/upstreams/my-upstream', { body: { created_at: 1461276890000 } });
        expect(res.status).toBe(200);
        expect(res.body.name).toBe('my-upstream');
        expect(typeof res.body.created_at).toBe('number');
        expect(typeof res.body.id).toBe('string');
        expect(typeof res.body.slots).toBe('number');
      });

      it('replaces if exists with application/json', async () => {
        const created = await k.post('/upstreams', { body: { name: 'my-upstream', slots: 100 } });
        expect(created.status).toBe(201);
        const res = await k.put(`/upstreams/${created.body.id}`, { body: { name: 'my-new-upstream', slots: 123, created_at: created.body.created_at } });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ name: 'my-new-upstream', slots: 123, id: created.body.id });
      });

      describe('errors', () => {
        it('handles invalid input with application/json', async () => {
          const missing = await k.put('/upstreams/00000000-0000-0000-0000-000000000001', { body: {} });
          expect(missing.status).toBe(400);
          expect(missing.body.message).toBe('schema violation (name: required field missing)');
          const ip = await k.put('/upstreams/1.2.3.4', { body: { created_at: 1461276890000 } });
          expect(ip.status).toBe(400);
          expect(ip.body.message).toBe("Invalid name ('1.2.3.4'); no ip addresses allowed");
        });
      });
    });

    describe('GET', () => {
      beforeEach(() => {
        for (let i = 0; i < 10; i++) k.insert('upstreams', { name: `upstream-${i}.test` });
      });

      it('retrieves the first page', async () => {
        const res = await k.get('/upstreams');
        expect(res.status).toBe(200);
        expect(res.body.data).toHaveLength(10);
      });

      it('paginates a set', async () => {
        const pages: unknown[] = [];
        let offset: string | undefined;
        for (let i = 1; i <= 4; i++) {
          const res = await k.get('/upstreams', { query: { size: 3, ...(offset ? { offset } : {}) } });
          expect(res.status).toBe(200);
          expect(res.body.data).toHaveLength(i < 4 ? 3 : 1);
          if (i > 1) expect(res.body).not.toEqual(pages[i - 2]);
          offset = res.body.offset;
          pages.push(res.body);
        }
      });

      it('ignores filters', async () => {
        expect((await k.get('/upstreams', { query: { foo: 'bar' }, undocumented: true })).status).toBe(200);
      });

      it('ignores an invalid body', async () => {
        expect((await k.get('/upstreams', { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true })).status).toBe(200);
      });

      it('returns bad request for empty tags', async () => {
        const res = await k.get('/upstreams?tags');
        expect(res.status).toBe(400);
        expect(res.body.message).toBe('invalid option (tags: cannot be null)');
      });
    });

    describe('GET (empty results)', () => {
      it('data property is an empty array', async () => {
        const res = await k.get('/upstreams');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ data: [], next: null });
      });
    });

    describe('DELETE', () => {
      it('by id', async () => {
        const created = await k.post('/upstreams', { body: { name: 'my-upstream', slots: 100 } });
        expect((await k.delete(`/upstreams/${created.body.id}`)).status).toBe(204);
      });

      it('by name', async () => {
        const created = await k.post('/upstreams', { body: { name: 'my-upstream', slots: 100 } });
        expect((await k.delete(`/upstreams/${created.body.name}`)).status).toBe(204);
      });

      it('after deleting its targets (regression test for #4317)', async () => {
        expect((await k.post('/upstreams', { body: { name: 'my-upstream', slots: 100 } })).status).toBe(201);
        expect((await k.post('/upstreams/my-upstream/targets', { body: { target: '127.0.0.1:8000' } })).status).toBe(201);
        expect((await k.delete('/upstreams/my-upstream/targets/127.0.0.1:8000', { headers: { 'content-type': 'application/json' } })).status).toBe(204);
        expect((await k.get('/upstreams/my-upstream')).status).toBe(200);
        expect((await k.delete('/upstreams/my-upstream')).status).toBe(204);
      });

      it('can delete an upstream with targets', async () => {
        expect((await k.post('/upstreams', { body: { name: 'my-upstream', slots: 100 } })).status).toBe(201);
        expect((await k.post('/upstreams/my-upstream/targets', { body: { target: '127.0.0.1:8000' } })).status).toBe(201);
        expect((await k.delete('/upstreams/my-upstream')).status).toBe(204);
      });
    });

    it('returns 405 on invalid method', async () => {
      const res = await k.delete('/upstreams', { headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(405);
      expect(res.body).toEqual({ message: 'Method not allowed' });
    });
  });

  describe('#regression', () => {
    it('page size 1', async () => {
      for (const n of ['my-upstream', 'my-upstream-2', 'my-upstream-3']) k.insert('upstreams', { name: n, slots: 100 });
      const first = await k.get('/upstreams?size=1');
      expect(first.status).toBe(200);
      expect(first.body.data).toHaveLength(1);
      expect(first.body.offset).toBeTruthy();
      const second = await k.get('/upstreams', { query: { size: 1, offset: first.body.offset } });
      expect(second.body.data).toHaveLength(1);
      expect(second.body.offset).toBeTruthy();
      const two = await k.get('/upstreams?size=2');
      expect(two.body.data).toHaveLength(2);
      expect(two.body.offset).toBeTruthy();
    });
  });
});

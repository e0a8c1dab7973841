/** spec/02-integration/04-admin_api/08-targets_routes_spec.lua at 3.9.3. */
import { kongSpec, type Harness } from './harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const WEIGHT_DEFAULT = 100;
const WEIGHT_MAX = 65535;
const DEFAULT_PORT = 8000;

let n = 0;
const upstream = (k: Harness, extra: Record<string, unknown> = {}) => k.insert('upstreams', { name: `upstream-${++n}.test`, ...extra });

kongSpec('spec/02-integration/04-admin_api/08-targets_routes_spec.lua', (k) => {
  describe('/targets', () => {
    it('returns a 404', async () => {
      const res = await k.get('/targets');
      expect(res.status).toBe(404);
      expect(res.body.message).toBe('Not found');
    });
  });

  describe('/upstreams/{upstream}/targets/', () => {
    describe('POST', () => {
      it('creates a target with defaults with application/json', async () => {
        const u = upstream(k, { slots: 10 });
        const res = await k.post(`/upstreams/${u.name}/targets/`, { body: { target: 'konghq.test' } });
        expect(res.status).toBe(201);
        expect(res.body.target).toBe(`konghq.test:${DEFAULT_PORT}`);
        expect(typeof res.body.created_at).toBe('number');
        expect(typeof res.body.id).toBe('string');
        expect(res.body.weight).toBe(WEIGHT_DEFAULT);
      });

      it('creates a target without defaults with application/json', async () => {
        const u = upstream(k, { slots: 10 });
        const res = await k.post(`/upstreams/${u.name}/targets/`, { body: { target: 'konghq.test:123', weight: 99 } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ target: 'konghq.test:123', weight: 99 });
      });

      it('creates a target with weight = 0 with application/json', async () => {
        const u = upstream(k, { slots: 10 });
        const res = await k.post(`/upstreams/${u.name}/targets/`, { body: { target: 'zero.weight.test:8080', weight: 0 } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ target: 'zero.weight.test:8080', weight: 0 });
        const read = await k.get(`/upstreams/${u.name}/targets/zero.weight.test:8080`);
        expect(read.status).toBe(200);
        expect(read.body).toEqual(res.body);
      });

      describe('errors', () => {
        it('handles malformed JSON body', async () => {
          const u = upstream(k, { slots: 10 });
          const res = await k.post(`/upstreams/${u.name}/targets/`, { raw: '{"hello": "world"', headers: { 'content-type': 'application/json' } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ message: 'Cannot parse JSON body' });
        });

        it('handles invalid input with application/json', async () => {
          const u = upstream(k, { slots: 10 });
          const missing = await k.post(`/upstreams/${u.name}/targets/`, { body: { weight: 0 } });
          expect(missing.status).toBe(400);
          expect(missing.body.name).toBe('schema violation');
          expect(missing.body.fields).toEqual({ target: 'required field missing' });
          const invalid = await k.post(`/upstreams/${u.name}/targets/`, { body: { target: 'some invalid host name' } });
          expect(invalid.status).toBe(400);
          expect(invalid.body.fields).toEqual({ target: 'Invalid target; not a valid hostname or ip address' });
          const weight = await k.post(`/upstreams/${u.name}/targets/`, { body: { target: 'konghq.test', weight: WEIGHT_MAX + 1 } });
          expect(weight.status).toBe(400);
          expect(weight.body.fields).toEqual({ weight: `value should be between 0 and ${WEIGHT_MAX}` });
        });

        for (const method of ['PUT', 'PATCH', 'DELETE']) {
          it(`returns 405 on ${method} with application/json`, async () => {
            const u = upstream(k, { slots: 10 });
            expect((await k.send(method, `/upstreams/${u.name}/targets/`, { body: { target: 'konghq.test' } })).status).toBe(405);
          });
        }

        it('fails to create duplicated targets with application/json', async () => {
          const u = upstream(k, { slots: 10 });
          const first = await k.post(`/upstreams/${u.name}/targets/`, { body: { target: 'single-target.test:8080', weight: 1 } });
          expect(first.status).toBe(201);
          expect(first.body).toMatchObject({ target: 'single-target.test:8080', weight: 1 });
          expect((await k.post(`/upstreams/${u.name}/targets/`, { body: { target: 'single-target.test:8080', weight: 100 } })).status).toBe(409);
        });
      });
    });

    describe('GET', () => {
      let u: Json;
      let apiMap: Record<string, Json>;
      beforeEach(() => {
        u = upstream(k);
        const apis = [['api-1:80', 10], ['api-2:80', 0], ['api-3:80', 50], ['api-4:80', 10]]
          .map(([target, weight]) => k.insert('targets', { target, weight, upstream: { id: u.id } }));
        apiMap = Object.fromEntries(apis.map((t) => [t.target, t]));
      });

      for (const append of ['', '/']) {
        it(`shows all targets with ${append === '' ? 'no' : ''} ending slash`, async () => {
          const res = await k.get(`/upstreams/${u.name}/targets${append}`);
          expect(res.status).toBe(200);
          expect(res.body.data).toHaveLength(4);
          expect(Object.fromEntries(res.body.data.map((t: Json) => [t.target, t]))).toEqual(apiMap);
        });
      }

      describe('empty results', () => {
        it('data property is an empty array', async () => {
          const empty = upstream(k);
          const res = await k.get(`/upstreams/${empty.name}/targets`);
          expect(res.status).toBe(200);
          expect(res.text).toMatch(/"data":\[\]/);
        });
      });
    });
  });

  describe('/upstreams/{upstream}/targets/all/', () => {
    describe('GET', () => {
      let u: Json;
      beforeEach(() => {
        u = upstream(k);
        for (let i = 1; i <= 10; i++) k.insert('targets', { target: `api-${i}:80`, weight: 100, upstream: { id: u.id } });
      });

      it('retrieves the first page', async () => {
        const res = await k.get(`/upstreams/${u.name}/targets/all`);
        expect(res.status).toBe(200);
        expect(res.body.data).toHaveLength(10);
      });

      it('offset is a string', async () => {
        expect(typeof (await k.get(`/upstreams/${u.name}/targets/all`, { query: { size: 3 } })).body.offset).toBe('string');
      });

      it('next url ends with /targets/all', async () => {
        const res = await k.get(`/upstreams/${u.name}/targets/all`, { query: { size: 3 } });
        expect(res.body.next).toBe(`/upstreams/${u.name}/targets/all?offset=${encodeURIComponent(res.body.offset)}`);
      });

      it('paginates a set', async () => {
        const pages: unknown[] = [];
        let offset: string | undefined;
        for (let i = 1; i <= 4; i++) {
          const res = await k.get(`/upstreams/${u.name}/targets/all`, { query: { size: 3, ...(offset ? { offset } : {}) } });
          expect(res.status).toBe(200);
          expect(res.body.data).toHaveLength(i < 4 ? 3 : 1);
          if (i > 1) expect(res.body).not.toEqual(pages[i - 2]);
          offset = res.body.offset;
          pages.push(res.body);
        }
      });

      it('ignores filters', async () => {
        expect((await k.get(`/upstreams/${u.name}/targets/all`, { query: { foo: 'bar' }, undocumented: true })).status).toBe(200);
      });

      it('ignores an invalid body', async () => {
        const res = await k.get(`/upstreams/${u.name}/targets/all`, { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true });
        expect(res.status).toBe(200);
      });

      describe('empty results', () => {
        it('data property is an empty array', async () => {
          const empty = upstream(k);
          const res = await k.get(`/upstreams/${empty.name}/targets/all`);
          expect(res.status).toBe(200);
          expect(res.body).toEqual({ data: [], next: null });
          expect(res.text).toMatch(/"data":\[\]/);
        });
      });
    });
  });

  describe('/upstreams/{upstream}/targets/{target}', () => {
    let u: Json;
    let target: Json;
    beforeEach(() => {
      u = upstream(k);
      k.insert('targets', { target: 'api-1:80', weight: 10, upstream: { id: u.id } });
      target = k.insert('targets', { target: 'api-2:80', weight: 10, upstream: { id: u.id } });
    });

    describe('GET', () => {
      it('returns target entity', async () => {
        const res = await k.get(`/upstreams/${u.name}/targets/${target.target}`);
        expect(res.status).toBe(200);
        expect({ ...res.body, tags: undefined, updated_at: undefined }).toEqual({ ...target, tags: undefined, updated_at: undefined });
      });
    });

    describe('PATCH', () => {
      it('is allowed and works', async () => {
        k.clock.advance(1);
        const res = await k.patch(`/upstreams/${u.name}/targets/${target.target}`, { body: { weight: 659 } });
        expect(res.status).toBe(200);
        expect(typeof res.body.id).toBe('string');
        expect(res.body).toMatchObject({ target: target.target, weight: 659 });
        expect(target.updated_at).toBeLessThan(res.body.updated_at);
        const read = await k.get(`/upstreams/${u.name}/targets/${target.target}`);
        expect(read.body.weight).toBe(659);
      });
    });

    describe('PUT', () => {
      it('updates target (by id)', async () => {
        const updated = `${target.target}1`;
        expect((await k.put(`/upstreams/${u.name}/targets/${target.id}`, { body: { target: updated } })).status).toBe(200);
        const read = await k.get(`/upstreams/${u.name}/targets/${target.id}`);
        expect(read.status).toBe(200);
        expect({ ...read.body, tags: undefined, updated_at: undefined }).toEqual({ ...target, target: updated, tags: undefined, updated_at: undefined });
      });

      it('updates target (by target)', async () => {
        const res = await k.put(`/upstreams/${u.name}/targets/${target.target}`, { body: { target: `${target.target}1` } });
        expect(res.status).toBe(200);
        expect((await k.get(`/upstreams/${u.name}/targets/${target.target}`)).status).toBe(404);
        const read = await k.get(`/upstreams/${u.name}/targets/${target.target}1`);
        expect(read.status).toBe(200);
        expect(read.body).toEqual(res.body);
      });
    });

    describe('DELETE', () => {
      for (const by of ['target', 'id'] as const) {
        it(`method DELETE actually deletes targets (by ${by})`, async () => {
          expect((await k.get(`/upstreams/${u.name}/targets/all`)).body.data).toHaveLength(2);
          expect((await k.delete(`/upstreams/${u.name}/targets/${target[by]}`)).status).toBe(204);
          expect((await k.get(`/upstreams/${u.name}/targets/all`)).body.data).toHaveLength(1);
          const active = await k.get(`/upstreams/${u.name}/targets`);
          expect(active.body.data).toHaveLength(1);
          expect(active.body.data[0].target).toBe('api-1:80');
        });
      }
    });
  });

  describe('/upstreams/{upstream}/targets/{target}/(un)healthy not available in hybrid mode', () => {
    it('healthcheck endpoints not included in /endpoints', async () => {
      const { data } = (await k.get('/endpoints')).body;
      for (const p of ['/upstreams/{upstreams}/targets/{targets}/healthy', '/upstreams/{upstreams}/targets/{targets}/unhealthy',
        '/upstreams/{upstreams}/targets/{targets}/{address}/healthy', '/upstreams/{upstreams}/targets/{targets}/{address}/unhealthy']) {
        expect(data).not.toContain(p);
      }
    });
  });
});

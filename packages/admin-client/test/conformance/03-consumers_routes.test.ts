/**
 * spec/02-integration/04-admin_api/03-consumers_routes_spec.lua at 3.9.3.
 * The spec's `rewriter` fixture plugin does not exist in Kong OSS: its tests
 * use rate-limiting (a plugin that may be scoped to a consumer), its `value`
 * field becoming `minute`.
 */
import { fresh, kongSpec, uuid } from './harness';

const MANY = 10;

kongSpec('spec/02-integration/04-admin_api/03-consumers_routes_spec.lua', (k) => {
  const consumer = () => k.insert('consumers', { username: fresh('abc def '), custom_id: fresh('custom ') });
  const rateLimiting = (consumerId: string, config: Record<string, unknown> = { minute: 1 }) =>
    k.insert('plugins', { name: 'rate-limiting', consumer: { id: consumerId }, config });

  describe('/consumers', () => {
    describe('POST', () => {
      it('creates a Consumer with application/json', async () => {
        const username = fresh('abc def ');
        const res = await k.post('/consumers', { body: { username } });
        expect(res.status).toBe(201);
        expect(res.body.username).toBe(username);
        expect(typeof res.body.created_at).toBe('number');
        expect(typeof res.body.id).toBe('string');
      });

      describe('errors', () => {
        it('handles invalid input with application/json', async () => {
          const res = await k.post('/consumers', { body: {} });
          expect(res.status).toBe(400);
          expect(res.body.name).toBe('schema violation');
          expect(res.body.fields['@entity']).toEqual(["at least one of these fields must be non-empty: 'custom_id', 'username'"]);
        });

        it('returns 409 on conflicting username with application/json', async () => {
          const c = consumer();
          const res = await k.post('/consumers', { body: { username: c.username } });
          expect(res.status).toBe(409);
          expect(res.body.name).toBe('unique constraint violation');
          expect(res.body.message).toBe(`UNIQUE violation detected on '{username="${c.username}"}'`);
        });

        it('returns 400 on conflicting custom_id with application/json', async () => {
          const c = consumer();
          const res = await k.post('/consumers', { body: { username: 'tom', custom_id: c.custom_id } });
          expect(res.status).toBe(409);
          expect(res.body.name).toBe('unique constraint violation');
          expect(res.body.message).toBe(`UNIQUE violation detected on '{custom_id="${c.custom_id}"}'`);
        });

        it('returns 415 on invalid content-type', async () => {
          const res = await k.post('/consumers', { raw: '{"hello": "world"}', headers: { 'content-type': 'invalid' } });
          expect(res.status).toBe(415);
        });

        it('returns 415 on missing content-type with body ', async () => {
          const res = await k.post('/consumers', { raw: 'invalid', headers: { 'content-type': '' } });
          expect(res.status).toBe(415);
        });

        it('returns 400 on missing body with application/json', async () => {
          const res = await k.post('/consumers', { headers: { 'content-type': 'application/json' } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ message: 'Cannot parse JSON body' });
        });

        it('returns 400 on missing body with no content-type header', async () => {
          const res = await k.post('/consumers');
          expect(res.status).toBe(400);
          expect(res.body.name).toBe('schema violation');
          expect(res.body.fields['@entity']).toEqual(["at least one of these fields must be non-empty: 'custom_id', 'username'"]);
        });
      });
    });

    describe('GET', () => {
      beforeEach(() => {
        for (let i = 0; i < MANY; i++) consumer();
      });

      it('retrieves the first page', async () => {
        const res = await k.get('/consumers');
        expect(res.status).toBe(200);
        expect(res.body.data).toHaveLength(10);
      });

      it('paginates a set', async () => {
        const pages: unknown[] = [];
        let offset: string | undefined;
        for (let i = 1; i <= 4; i++) {
          const res = await k.get('/consumers', { query: { size: 3, ...(offset ? { offset } : {}) } });
          expect(res.status).toBe(200);
          expect(res.body.data).toHaveLength(i < 4 ? 3 : 1);
          if (i > 1) expect(res.body).not.toEqual(pages[i - 2]);
          offset = res.body.offset;
          pages.push(res.body);
        }
      });

      it('not crashed by empty custom_id #KAG-867', async () => {
        const res = await k.get('/consumers?custom_id=');
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ message: 'custom_id must be an unempty string' });
        expect((await k.get('/consumers?custom_id')).status).toBe(400);
      });

      it('allows filtering by custom_id', async () => {
        const c = k.insert('consumers', { custom_id: fresh('abc def ') });
        const res = await k.get(`/consumers?custom_id=${encodeURIComponent(c.custom_id)}`);
        expect(res.status).toBe(200);
        expect(res.body.data).toEqual([c]);
      });

      it('allows filtering by uuid-like custom_id', async () => {
        const c = k.insert('consumers', { custom_id: uuid() });
        const res = await k.get(`/consumers?custom_id=${c.custom_id}`);
        expect(res.status).toBe(200);
        expect(res.body.data).toEqual([c]);
      });

      it('returns empty json array when consumer does not exist', async () => {
        const res = await k.get('/consumers?custom_id=does-not-exist');
        expect(res.status).toBe(200);
        expect(res.text).toMatch(/"data":\[\]/);
      });

      it('returns bad request for empty tags', async () => {
        const res = await k.get('/consumers?tags');
        expect(res.status).toBe(400);
        expect(res.body.message).toBe('invalid option (tags: cannot be null)');
      });
    });

    it('returns 405 on invalid method', async () => {
      for (const method of ['DELETE', 'PATCH']) {
        const res = await k.send(method, '/consumers', { body: {} });
        expect(res.status).toBe(405);
        expect(res.body).toEqual({ message: 'Method not allowed' });
      }
    });

    describe('/consumers/{consumer}', () => {
      describe('GET', () => {
        it('retrieves by id', async () => {
          const c = consumer();
          const res = await k.get(`/consumers/${c.id}`);
          expect(res.status).toBe(200);
          expect(res.body).toEqual(c);
        });

        it('retrieves by username', async () => {
          const c = k.insert('consumers', { username: fresh('bob'), custom_id: fresh() });
          const res = await k.get(`/consumers/${c.username}`);
          expect(res.status).toBe(200);
          expect(res.body).toEqual(c);
        });

        it('retrieves by urlencoded username', async () => {
          const c = consumer();
          const res = await k.get(`/consumers/${encodeURIComponent(c.username)}`);
          expect(res.status).toBe(200);
          expect(res.body).toEqual(c);
        });

        it('retrieves by utf-8 name and encoded utf-8 name', async () => {
          const c = k.insert('consumers', { username: '円' });
          const res = await k.get(`/consumers/${encodeURIComponent('円')}`);
          expect(res.status).toBe(200);
          expect(res.body).toEqual(c);
        });

        it('returns 404 if not found', async () => {
          expect((await k.get('/consumers/_inexistent_')).status).toBe(404);
        });
      });

      describe('PATCH', () => {
        it('updates by id with application/json', async () => {
          const c = consumer();
          const username = fresh('abc def ');
          k.clock.advance(1);
          const res = await k.patch(`/consumers/${c.id}`, { body: { username } });
          expect(res.status).toBe(200);
          expect(res.body.username).toBe(username);
          expect(res.body.id).toBe(c.id);
          expect(c.updated_at).toBeLessThan(res.body.updated_at);
          expect(k.kong.entities('consumers')).toEqual([res.body]);
        });

        it('updates by username with application/json', async () => {
          const c = k.insert('consumers', { username: fresh('bob'), custom_id: fresh() });
          const username = fresh('abc def ');
          const res = await k.patch(`/consumers/${c.username}`, { body: { username } });
          expect(res.status).toBe(200);
          expect(res.body.username).toBe(username);
          expect(res.body.id).toBe(c.id);
          expect(k.kong.entities('consumers')).toEqual([res.body]);
        });

        it('updates by username and custom_id with previous values with application/json', async () => {
          const c = k.insert('consumers', { username: fresh('bob'), custom_id: fresh() });
          const res = await k.patch(`/consumers/${c.username}`, { body: { username: c.username, custom_id: c.custom_id } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ username: c.username, custom_id: c.custom_id, id: c.id });
          expect(k.kong.entities('consumers')).toEqual([res.body]);
        });

        describe('errors', () => {
          it('returns 404 if not found with application/json', async () => {
            expect((await k.patch('/consumers/_inexistent_', { body: { username: fresh() } })).status).toBe(404);
          });

          it('returns 415 on invalid content-type', async () => {
            const c = consumer();
            expect((await k.patch(`/consumers/${c.id}`, { raw: '{"hello": "world"}', headers: { 'content-type': 'invalid' } })).status).toBe(415);
          });

          it('returns 415 on missing content-type with body ', async () => {
            const c = consumer();
            expect((await k.patch(`/consumers/${c.id}`, { raw: 'invalid', headers: { 'content-type': '' } })).status).toBe(415);
          });

          it('returns 400 on missing body with application/json', async () => {
            const c = consumer();
            const res = await k.patch(`/consumers/${c.id}`, { headers: { 'content-type': 'application/json' } });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({ message: 'Cannot parse JSON body' });
          });
        });
      });

      describe('PUT', () => {
        it('creates if not exists with application/json', async () => {
          const customId = fresh('abc def ');
          const id = uuid();
          const res = await k.put(`/consumers/${id}`, { body: { custom_id: customId } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ custom_id: customId, id });
        });

        it('creates if not exists by username with application/json', async () => {
          const name = fresh('abc def ');
          const res = await k.put(`/consumers/${encodeURIComponent(name)}`, { body: {} });
          expect(res.status).toBe(200);
          expect(res.body.username).toBe(name);
          expect(res.body.custom_id).toBeNull();
        });

        it('replaces if found with application/json', async () => {
          const c = consumer();
          const username = fresh('abc def ');
          const res = await k.put(`/consumers/${c.id}`, { body: { username } });
          expect(res.status).toBe(200);
          expect(res.body.username).toBe(username);
          expect(k.kong.entities('consumers')).toEqual([res.body]);
        });

        it('replaces if found by username with application/json', async () => {
          const c = k.insert('consumers', { username: fresh('bob'), custom_id: fresh() });
          const customId = fresh('abc def ');
          const res = await k.put(`/consumers/${c.username}`, { body: { custom_id: customId } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ username: c.username, custom_id: customId });
          const again = await k.put(`/consumers/${c.username}`, { body: {} });
          expect(again.status).toBe(200);
          expect(again.body).toMatchObject({ id: res.body.id, username: c.username, custom_id: null });
        });

        describe('errors', () => {
          it('handles malformed JSON body', async () => {
            const c = consumer();
            const res = await k.put(`/consumers/${c.id}`, { raw: '{"hello": "world"', headers: { 'content-type': 'application/json' } });
            expect(res.status).toBe(400);
            expect(res.text).toBe('{"message":"Cannot parse JSON body"}');
          });

          it('handles invalid input with application/json', async () => {
            const res = await k.put(`/consumers/${uuid()}`, { body: {} });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({
              code: 2, name: 'schema violation',
              fields: { '@entity': ["at least one of these fields must be non-empty: 'custom_id', 'username'"] },
              message: "schema violation (at least one of these fields must be non-empty: 'custom_id', 'username')",
            });
          });
        });
      });

      describe('DELETE', () => {
        it('deletes by id', async () => {
          const c = consumer();
          const res = await k.delete(`/consumers/${c.id}`);
          expect(res.status).toBe(204);
          expect(res.text).toBe('');
        });

        it('deletes by username', async () => {
          const c = k.insert('consumers', { username: fresh('bob') });
          const res = await k.delete(`/consumers/${c.username}`);
          expect(res.status).toBe(204);
          expect(res.text).toBe('');
        });
      });
    });
  });

  describe('/consumers/{username_or_id}/plugins', () => {
    describe('POST', () => {
      it('creates a plugin config using a consumer id with application/json', async () => {
        const c = consumer();
        const res = await k.post(`/consumers/${c.id}/plugins`, { body: { name: 'rate-limiting', config: { minute: 7 } } });
        expect(res.status).toBe(201);
        expect(res.body.name).toBe('rate-limiting');
        expect(res.body.config.minute).toBe(7);
      });

      it('creates a plugin config using a consumer username with application/json', async () => {
        const c = k.insert('consumers', { username: fresh('bob') });
        const res = await k.post(`/consumers/${c.username}/plugins`, { body: { name: 'rate-limiting', config: { minute: 7 } } });
        expect(res.status).toBe(201);
        expect(res.body.name).toBe('rate-limiting');
        expect(res.body.config.minute).toBe(7);
      });

      describe('errors', () => {
        it('handles invalid input with application/json', async () => {
          const c = consumer();
          const res = await k.post(`/consumers/${c.id}/plugins`, { body: {} });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ code: 2, name: 'schema violation', fields: { name: 'required field missing' }, message: 'schema violation (name: required field missing)' });
        });

        it('returns 409 on conflict with application/json', async () => {
          const c = consumer();
          expect((await k.post(`/consumers/${c.id}/plugins`, { body: { name: 'rate-limiting', config: { minute: 1 } } })).status).toBe(201);
          const res = await k.post(`/consumers/${c.id}/plugins`, { body: { name: 'rate-limiting', config: { minute: 1 } } });
          expect(res.status).toBe(409);
          expect(res.body).toEqual({
            code: 5, name: 'unique constraint violation',
            message: `UNIQUE violation detected on '{consumer={id="${c.id}"},name="rate-limiting",route=null,service=null}'`,
            fields: { name: 'rate-limiting', consumer: { id: c.id }, route: null, service: null },
          });
        });
      });
    });

    describe('GET', () => {
      it('retrieves the first page', async () => {
        const c = consumer();
        rateLimiting(c.id);
        const res = await k.get(`/consumers/${c.id}/plugins`);
        expect(res.status).toBe(200);
        expect(res.body.data).toHaveLength(1);
      });

      it('ignores an invalid body', async () => {
        const c = consumer();
        const res = await k.get(`/consumers/${c.id}/plugins`, { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true });
        expect(res.status).toBe(200);
      });
    });
  });

  describe('/consumers/{username_or_id}/plugins/{plugin}', () => {
    describe('GET', () => {
      it('retrieves by id', async () => {
        const c = consumer();
        const plugin = rateLimiting(c.id);
        const res = await k.get(`/consumers/${c.id}/plugins/${plugin.id}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(plugin);
      });

      it('retrieves by consumer id when it has spaces', async () => {
        const c = consumer();
        const plugin = rateLimiting(c.id);
        const res = await k.get(`/consumers/${encodeURIComponent(c.username)}/plugins/${plugin.id}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(plugin);
      });

      it('only retrieves if associated to the correct consumer', async () => {
        const c = consumer();
        const plugin = rateLimiting(c.id);
        const wrong = k.insert('consumers', { custom_id: 'wc', username: 'wrong-consumer' });
        expect((await k.get(`/consumers/${wrong.id}/plugins/${plugin.id}`)).status).toBe(404);
      });

      it('ignores an invalid body', async () => {
        const c = consumer();
        const plugin = rateLimiting(c.id);
        const res = await k.get(`/consumers/${c.id}/plugins/${plugin.id}`, { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true });
        expect(res.status).toBe(200);
      });
    });

    describe('PATCH', () => {
      it('updates if found with application/json', async () => {
        const c = consumer();
        const plugin = rateLimiting(c.id);
        const res = await k.patch(`/consumers/${c.id}/plugins/${plugin.id}`, { body: { config: { minute: 9 } } });
        expect(res.status).toBe(200);
        expect(res.body.config.minute).toBe(9);
        expect(res.body.id).toBe(plugin.id);
        expect(k.kong.entities('plugins')).toEqual([res.body]);
      });

      it("doesn't override a plugin config if partial with application/json", async () => {
        const c = consumer();
        const plugin = rateLimiting(c.id, { minute: 1, hour: 100 });
        const res = await k.patch(`/consumers/${c.id}/plugins/${plugin.id}`, { body: { config: { minute: 9 } } });
        expect(res.status).toBe(200);
        expect(res.body.config).toMatchObject({ minute: 9, hour: 100 });
        expect(k.kong.entities('plugins')[0].config).toMatchObject({ minute: 9, hour: 100 });
      });

      it('updates the enabled property with application/json', async () => {
        const c = consumer();
        const plugin = rateLimiting(c.id);
        const res = await k.patch(`/consumers/${c.id}/plugins/${plugin.id}`, { body: { name: 'rate-limiting', enabled: false } });
        expect(res.status).toBe(200);
        expect(res.body.enabled).toBe(false);
        expect(k.kong.entities('plugins')[0].enabled).toBe(false);
      });

      describe('errors', () => {
        it('returns 404 if not found with application/json', async () => {
          const c = consumer();
          expect((await k.patch(`/consumers/${c.id}/plugins/b6cca0aa-4537-11e5-af97-23a06d98af51`, { body: {} })).status).toBe(404);
        });

        it('handles invalid input with application/json', async () => {
          const c = consumer();
          const plugin = rateLimiting(c.id);
          const res = await k.patch(`/consumers/${c.id}/plugins/${plugin.id}`, { body: { name: 'foo' } });
          expect(res.status).toBe(400);
          expect(res.body.name).toBe('schema violation');
          expect(res.body.fields.name).toBe("plugin 'foo' not enabled; add it to the 'plugins' configuration property");
        });
      });
    });

    describe('PUT', () => {
      it('creates if not found with application/json', async () => {
        const c = consumer();
        const id = uuid();
        const res = await k.put(`/consumers/${c.id}/plugins/${id}`, { body: { name: 'rate-limiting', config: { minute: 9 } } });
        expect(res.status).toBe(200);
        expect(res.body.config.minute).toBe(9);
        expect(res.body.id).toBe(id);
        expect(k.kong.entities('plugins')).toEqual([res.body]);
      });

      it('updates if found with application/json', async () => {
        const c = consumer();
        const plugin = rateLimiting(c.id);
        const res = await k.put(`/consumers/${c.id}/plugins/${plugin.id}`, { body: { name: 'rate-limiting', config: { minute: 9 } } });
        expect(res.status).toBe(200);
        expect(res.body.config.minute).toBe(9);
        expect(res.body.id).toBe(plugin.id);
        expect(k.kong.entities('plugins')).toEqual([res.body]);
      });
    });

    describe('DELETE', () => {
      it('deletes a plugin configuration', async () => {
        const c = consumer();
        const plugin = rateLimiting(c.id);
        expect((await k.delete(`/consumers/${c.id}/plugins/${plugin.id}`)).status).toBe(204);
      });

      describe('errors', () => {
        it('returns 404 if not found', async () => {
          const c = consumer();
          expect((await k.delete(`/consumers/${c.id}/plugins/fafafafa-1234-baba-5678-cececececece`)).status).toBe(404);
        });
      });
    });
  });
});

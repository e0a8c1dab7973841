/** spec/03-plugins/09-key-auth/01-api_spec.lua at 3.9.3. */
import { kongSpec, uuid, type Harness } from './harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

kongSpec('spec/03-plugins/09-key-auth/01-api_spec.lua', (k) => {
  let consumer: Json;
  let route1: Json;
  let route2: Json;
  beforeEach(() => {
    route1 = k.insert('routes', { hosts: ['keyauth1.test'] });
    route2 = k.insert('routes', { hosts: ['keyauth2.test'] });
    consumer = k.insert('consumers', { username: 'bob' });
  });
  const credential = (h: Harness, extra: Record<string, unknown> = {}) => h.insert('key-auths', { consumer: { id: consumer.id }, ...extra });

  describe('/consumers/:consumer/key-auth', () => {
    describe('POST', () => {
      it('creates a key-auth credential with key', async () => {
        const res = await k.post('/consumers/bob/key-auth', { body: { key: '1234' } });
        expect(res.status).toBe(201);
        expect(res.body.consumer.id).toBe(consumer.id);
        expect(res.body.key).toBe('1234');
      });

      it('creates a key-auth auto-generating a unique key', async () => {
        const first = await k.post('/consumers/bob/key-auth', { body: {} });
        expect(first.status).toBe(201);
        expect(first.body.consumer.id).toBe(consumer.id);
        expect(typeof first.body.key).toBe('string');
        for (const c of k.kong.entities('key-auths')) await k.delete(`/key-auths/${c.id}`);
        const second = await k.post('/consumers/bob/key-auth', { body: {} });
        expect(second.status).toBe(201);
        expect(second.body.key).not.toBe(first.body.key);
      });

      it('creates a key-auth credential with tags', async () => {
        const res = await k.post('/consumers/bob/key-auth', { body: { key: 'keyauth-with-tags', tags: ['tag1', 'tag2'] } });
        expect(res.status).toBe(201);
        expect(res.body.consumer.id).toBe(consumer.id);
        expect(res.body.tags).toEqual(['tag1', 'tag2']);
      });

      it('creates a key-auth credential with a ttl', async () => {
        const res = await k.post('/consumers/bob/key-auth', { body: { ttl: 1 } });
        expect(res.status).toBe(201);
        expect(res.body.consumer.id).toBe(consumer.id);
        expect(typeof res.body.key).toBe('string');
        k.clock.advance(3);
        expect((await k.get(`/consumers/bob/key-auth/${res.body.id}`)).status).toBe(404);
      });
    });

    describe('GET', () => {
      it('retrieves the first page', async () => {
        for (let i = 0; i < 3; i++) credential(k);
        const res = await k.get('/consumers/bob/key-auth');
        expect(res.status).toBe(200);
        expect(res.body.data).toHaveLength(3);
      });
    });

    describe('GET #ttl', () => {
      it('entries contain ttl when specified', async () => {
        for (let i = 0; i < 3; i++) expect((await k.post('/consumers/bob/key-auth', { body: { ttl: 10 } })).status).toBe(201);
        const res = await k.get('/consumers/bob/key-auth');
        expect(res.status).toBe(200);
        for (const c of res.body.data) expect(c.ttl).not.toBeUndefined();
      });
    });
  });

  describe('/consumers/:consumer/key-auth/:id', () => {
    let cred: Json;
    beforeEach(() => {
      cred = credential(k);
    });

    describe('GET', () => {
      it('retrieves key-auth credential by id', async () => {
        const res = await k.get(`/consumers/bob/key-auth/${cred.id}`);
        expect(res.status).toBe(200);
        expect(res.body.id).toBe(cred.id);
      });

      it('retrieves key-auth credential by key', async () => {
        const res = await k.get(`/consumers/bob/key-auth/${cred.key}`);
        expect(res.status).toBe(200);
        expect(res.body.id).toBe(cred.id);
      });

      it('retrieves credential by id only if the credential belongs to the specified consumer', async () => {
        k.insert('consumers', { username: 'alice' });
        expect((await k.get(`/consumers/bob/key-auth/${cred.id}`)).status).toBe(200);
        expect((await k.get(`/consumers/alice/key-auth/${cred.id}`)).status).toBe(404);
      });

      it('key-auth credential contains #ttl', async () => {
        const created = await k.post('/consumers/bob/key-auth', { body: { ttl: 10 } });
        const res = await k.get(`/consumers/bob/key-auth/${created.body.id}`);
        expect(res.status).toBe(200);
        expect(res.body.id).toBe(created.body.id);
        expect(res.body.ttl).not.toBeUndefined();
      });
    });

    describe('PUT', () => {
      it('creates a key-auth credential with key', async () => {
        const res = await k.put('/consumers/bob/key-auth/1234', { body: {} });
        expect(res.status).toBe(200);
        expect(res.body.consumer.id).toBe(consumer.id);
        expect(res.body.key).toBe('1234');
      });

      it('creates a key-auth credential auto-generating the key', async () => {
        const res = await k.put('/consumers/bob/key-auth/c16bbff7-5d0d-4a28-8127-1ee581898f11', { body: {} });
        expect(res.status).toBe(200);
        expect(res.body.consumer.id).toBe(consumer.id);
        expect(typeof res.body.key).toBe('string');
      });
    });

    describe('PATCH', () => {
      it('updates a credential by id', async () => {
        const res = await k.patch(`/consumers/bob/key-auth/${cred.id}`, { body: { key: '4321' } });
        expect(res.status).toBe(200);
        expect(res.body.key).toBe('4321');
      });

      it('updates a credential by key', async () => {
        const res = await k.patch(`/consumers/bob/key-auth/${cred.key}`, { body: { key: '4321UPD' } });
        expect(res.status).toBe(200);
        expect(res.body.key).toBe('4321UPD');
      });

      describe('errors', () => {
        it('handles invalid input', async () => {
          const res = await k.patch(`/consumers/bob/key-auth/${cred.id}`, { body: { key: 123 } });
          expect(res.status).toBe(400);
          expect(res.body.fields).toEqual({ key: 'expected a string' });
        });
      });
    });

    describe('DELETE', () => {
      it('deletes a credential', async () => {
        expect((await k.delete(`/consumers/bob/key-auth/${cred.id}`)).status).toBe(204);
      });

      describe('errors', () => {
        it('returns 400 on invalid input', async () => {
          expect((await k.delete('/consumers/bob/key-auth/blah')).status).toBe(404);
        });

        it('returns 404 if not found', async () => {
          expect((await k.delete('/consumers/bob/key-auth/00000000-0000-0000-0000-000000000000')).status).toBe(404);
        });
      });
    });
  });

  describe('/plugins for route', () => {
    it('fails with invalid key_names', async () => {
      const res = await k.post('/plugins', { body: { name: 'key-auth', route: { id: route1.id }, config: { key_names: ['hello\\world'] } } });
      expect(res.status).toBe(400);
      expect(res.body.fields.config.key_names[0]).toBe("bad header name 'hello\\world', allowed characters are A-Z, a-z, 0-9, '_', and '-'");
    });

    it('succeeds with valid key_names', async () => {
      const res = await k.post('/plugins', { body: { route: { id: route2.id }, name: 'key-auth', config: { key_names: ['hello-world'] } } });
      expect(res.status).toBe(201);
      expect(res.body.config.key_names[0]).toBe('hello-world');
    });
  });

  describe('/key-auths', () => {
    describe('GET', () => {
      beforeEach(() => {
        for (let i = 0; i < 3; i++) credential(k);
        const consumer2 = k.insert('consumers', { username: 'bob-the-buidler' });
        for (let i = 0; i < 3; i++) k.insert('key-auths', { consumer: { id: consumer2.id } });
      });

      it('retrieves all the key-auths with trailing slash', async () => {
        expect((await k.get('/key-auths/')).body.data).toHaveLength(6);
      });

      it('retrieves all the key-auths without trailing slash', async () => {
        expect((await k.get('/key-auths')).body.data).toHaveLength(6);
      });

      it('paginates through the key-auths', async () => {
        const first = await k.get('/key-auths?size=3');
        expect(first.body.data).toHaveLength(3);
        const second = await k.get('/key-auths', { query: { size: 3, offset: first.body.offset } });
        expect(second.body.data).toHaveLength(3);
        expect(second.body.data).not.toEqual(first.body.data);
        expect(second.body.offset).toBeUndefined();
      });
    });

    describe('POST', () => {
      it('does not create key-auth credential when missing consumer', async () => {
        const res = await k.post('/key-auths', { body: { key: '1234' } });
        expect(res.status).toBe(400);
        expect(res.body.message).toBe('schema violation (consumer: required field missing)');
      });

      it('creates key-auth credential', async () => {
        const res = await k.post('/key-auths', { body: { key: '1234', consumer: { id: consumer.id } } });
        expect(res.status).toBe(201);
        expect(res.body.key).toBe('1234');
      });
    });
  });

  describe('/key-auths/:credential_key_or_id', () => {
    describe('PUT', () => {
      it('does not create key-auth credential when missing consumer', async () => {
        const res = await k.put('/key-auths/1234', { body: {} });
        expect(res.status).toBe(400);
        expect(res.body.message).toBe('schema violation (consumer: required field missing)');
      });

      it('creates key-auth credential', async () => {
        const res = await k.put('/key-auths/1234', { body: { consumer: { id: consumer.id } } });
        expect(res.status).toBe(200);
        expect(res.body.key).toBe('1234');
      });
    });
  });

  describe('/key-auths/:credential_key_or_id/consumer', () => {
    describe('GET', () => {
      let cred: Json;
      beforeEach(() => {
        cred = credential(k);
      });

      it("retrieve Consumer from a credential's id", async () => {
        const res = await k.get(`/key-auths/${cred.id}/consumer`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(consumer);
      });

      it("retrieve a Consumer from a credential's key", async () => {
        const res = await k.get(`/key-auths/${cred.key}/consumer`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(consumer);
      });

      it('returns 404 for a random non-existing id', async () => {
        expect((await k.get(`/key-auths/${uuid()}/consumer`)).status).toBe(404);
      });

      it('returns 404 for a random non-existing key', async () => {
        expect((await k.get('/key-auths/MpR5bWzfiBZHxTNWlDN2nGvKzqH3tTGq/consumer')).status).toBe(404);
      });
    });
  });
});

/** spec/03-plugins/18-acl/01-api_spec.lua at 3.9.3. */
import { kongSpec, uuid } from './harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

kongSpec('spec/03-plugins/18-acl/01-api_spec.lua', (k) => {
  let consumer: Json;
  beforeEach(() => {
    consumer = k.insert('consumers', { username: 'bob' });
  });

  describe('/consumers/:consumer/acls/', () => {
    describe('POST', () => {
      it('creates an ACL association', async () => {
        const res = await k.post('/consumers/bob/acls', { body: { group: 'admin' } });
        expect(res.status).toBe(201);
        expect(res.body.consumer.id).toBe(consumer.id);
        expect(res.body.group).toBe('admin');
      });

      it('creates an ACL association with tags', async () => {
        const res = await k.post('/consumers/bob/acls/', { body: { group: 'yoloers', tags: ['tag1', 'tag2'] } });
        expect(res.status).toBe(201);
        expect(res.body.consumer.id).toBe(consumer.id);
        expect(res.body.tags).toEqual(['tag1', 'tag2']);
      });

      describe('errors', () => {
        it('returns bad request', async () => {
          const res = await k.post('/consumers/bob/acls', { body: {} });
          expect(res.status).toBe(400);
          expect(res.body.fields).toEqual({ group: 'required field missing' });
        });
      });
    });

    describe('GET', () => {
      it('retrieves the first page', async () => {
        for (let i = 1; i <= 3; i++) k.insert('acls', { group: `group${i}`, consumer: { id: consumer.id } });
        const res = await k.get('/consumers/bob/acls');
        expect(res.status).toBe(200);
        expect(res.body.data).toHaveLength(3);
      });
    });
  });

  describe('/consumers/:consumer/acls/:id', () => {
    let acl: Json;
    let acl2: Json;
    beforeEach(() => {
      acl = k.insert('acls', { group: 'hello', consumer: { id: consumer.id } });
      acl2 = k.insert('acls', { group: 'hello2', consumer: { id: consumer.id } });
    });

    describe('GET', () => {
      it('retrieves by id', async () => {
        expect((await k.get(`/consumers/bob/acls/${acl.id}`)).body.id).toBe(acl.id);
      });

      it('retrieves by group', async () => {
        expect((await k.get(`/consumers/bob/acls/${acl.group}`)).body.id).toBe(acl.id);
      });

      it('retrieves ACL by id only if the ACL belongs to the specified consumer', async () => {
        k.insert('consumers', { username: 'alice' });
        expect((await k.get(`/consumers/bob/acls/${acl.id}`)).status).toBe(200);
        expect((await k.get(`/consumers/alice/acls/${acl.id}`)).status).toBe(404);
      });

      it('retrieves ACL by group only if the ACL belongs to the specified consumer', async () => {
        k.insert('consumers', { username: 'alice' });
        expect((await k.get(`/consumers/bob/acls/${acl.group}`)).status).toBe(200);
        expect((await k.get(`/consumers/alice/acls/${acl.group}`)).status).toBe(404);
      });

      it('retrieves right ACL by group when multiple consumers share the same group name created with POST', async () => {
        expect((await k.post('/consumers', { body: { username: 'anna' } })).status).toBe(201);
        expect((await k.post('/consumers', { body: { username: 'jack' } })).status).toBe(201);
        const ag = await k.post('/consumers/anna/acls', { body: { group: 'foo' } });
        expect(ag.status).toBe(201);
        const jg = await k.post('/consumers/jack/acls', { body: { group: 'foo' } });
        expect(jg.status).toBe(201);
        const ag2 = await k.get('/consumers/anna/acls/foo');
        const jg2 = await k.get('/consumers/jack/acls/foo');
        expect(ag2.body).toEqual(ag.body);
        expect(jg2.body).toEqual(jg.body);
        expect(jg.body).not.toEqual(ag.body);
        expect((await k.delete('/consumers/anna')).status).toBe(204);
        expect((await k.delete('/consumers/jack')).status).toBe(204);
      });

      it('retrieves right ACL by group when multiple consumers share the same group name created with PUT', async () => {
        expect((await k.put('/consumers/anna')).status).toBe(200);
        expect((await k.put('/consumers/jack')).status).toBe(200);
        const ag = await k.put('/consumers/anna/acls/foo');
        expect(ag.status).toBe(200);
        const jg = await k.put('/consumers/jack/acls/foo');
        expect(jg.status).toBe(200);
        const ag2 = await k.get('/consumers/anna/acls/foo');
        const jg2 = await k.get('/consumers/jack/acls/foo');
        expect(ag2.body).toEqual(ag.body);
        expect(jg2.body).toEqual(jg.body);
        expect(jg.body).not.toEqual(ag.body);
        expect((await k.delete('/consumers/anna')).status).toBe(204);
        expect((await k.delete('/consumers/jack')).status).toBe(204);
      });
    });

    describe('PUT', () => {
      it("upserts an ACL's groupname", async () => {
        const res = await k.put('/consumers/bob/acls/pro', { body: {} });
        expect(res.status).toBe(200);
        expect(res.body.consumer.id).toBe(consumer.id);
        expect(res.body.group).toBe('pro');
      });

      describe('errors', () => {
        it('returns bad request', async () => {
          const res = await k.put('/consumers/bob/acls/f7852533-9160-4f5a-ae12-1ab99219ea95', { body: { group: 123 } });
          expect(res.status).toBe(400);
          expect(res.body.fields).toEqual({ group: 'expected a string' });
        });
      });
    });

    describe('PATCH', () => {
      it('updates an ACL group by id', async () => {
        const res = await k.patch(`/consumers/bob/acls/${acl.id}`, { body: { group: 'updatedGroup' } });
        expect(res.status).toBe(200);
        expect(res.body.group).not.toBe(acl.group);
      });

      it('updates an ACL group by group', async () => {
        const res = await k.patch(`/consumers/bob/acls/${acl.group}`, { body: { group: 'updatedGroup2' } });
        expect(res.status).toBe(200);
        expect(res.body.group).not.toBe(acl.group);
      });

      describe('errors', () => {
        it('handles invalid input', async () => {
          const res = await k.patch(`/consumers/bob/acls/${acl.id}`, { body: { group: 123 } });
          expect(res.status).toBe(400);
          expect(res.body.fields).toEqual({ group: 'expected a string' });
        });
      });
    });

    describe('DELETE', () => {
      it('deletes an ACL group by id', async () => {
        expect((await k.delete(`/consumers/bob/acls/${acl.id}`)).status).toBe(204);
      });

      it('deletes an ACL group by group', async () => {
        expect((await k.delete(`/consumers/bob/acls/${acl2.group}`)).status).toBe(204);
      });

      describe('errors', () => {
        it('returns 404 on missing group', async () => {
          expect((await k.delete('/consumers/bob/acls/blah')).status).toBe(404);
        });

        it('returns 404 if not found', async () => {
          expect((await k.delete('/consumers/bob/acls/00000000-0000-0000-0000-000000000000')).status).toBe(404);
        });
      });
    });
  });

  describe('/acls', () => {
    describe('GET', () => {
      beforeEach(() => {
        for (let i = 1; i <= 3; i++) k.insert('acls', { group: `group${i}`, consumer: { id: consumer.id } });
        const consumer2 = k.insert('consumers', { username: 'bob-the-buidler' });
        for (let i = 1; i <= 3; i++) k.insert('acls', { group: `group${i}`, consumer: { id: consumer2.id } });
      });

      it('retrieves all the acls with trailing slash', async () => {
        expect((await k.get('/acls/')).body.data).toHaveLength(6);
      });

      it('retrieves all the acls without trailing slash', async () => {
        expect((await k.get('/acls')).body.data).toHaveLength(6);
      });

      it('paginates through the acls', async () => {
        const first = await k.get('/acls?size=3');
        expect(first.body.data).toHaveLength(3);
        const second = await k.get('/acls', { query: { size: 3, offset: first.body.offset } });
        expect(second.body.data).toHaveLength(3);
        expect(second.body.data).not.toEqual(first.body.data);
        expect(second.body.offset).toBeUndefined();
      });
    });

    describe('POST', () => {
      it('does not create acl when missing consumer', async () => {
        const res = await k.post('/acls', { body: { group: 'test-group' } });
        expect(res.status).toBe(400);
        expect(res.body.message).toBe('schema violation (consumer: required field missing)');
      });

      it('creates acl', async () => {
        const res = await k.post('/acls', { body: { group: 'test-group', consumer: { id: consumer.id } } });
        expect(res.status).toBe(201);
        expect(res.body.group).toBe('test-group');
      });
    });
  });

  describe('/acls/:group_or_id', () => {
    describe('PUT', () => {
      it('does not create acl when missing consumer', async () => {
        const res = await k.put(`/acls/${uuid()}`, { body: { group: 'test-group' } });
        expect(res.status).toBe(400);
        expect(res.body.message).toBe('schema violation (consumer: required field missing)');
      });

      it('creates acl', async () => {
        const res = await k.put(`/acls/${uuid()}`, { body: { group: 'test-group', consumer: { id: consumer.id } } });
        expect(res.status).toBe(200);
        expect(res.body.group).toBe('test-group');
      });
    });
  });

  describe('/acls/:acl_id/consumer', () => {
    describe('GET', () => {
      it("retrieves a Consumer from an acl's id", async () => {
        const credential = k.insert('acls', { group: 'foo-group', consumer: { id: consumer.id } });
        const res = await k.get(`/acls/${credential.id}/consumer`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(consumer);
      });
    });
  });
});

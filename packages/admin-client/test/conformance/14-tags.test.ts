/** spec/02-integration/04-admin_api/14-tags_spec.lua at 3.9.3, database strategy. */
import { kongSpec } from './harness';

kongSpec('spec/02-integration/04-admin_api/14-tags_spec.lua', (k) => {
  describe('/entities?tags=', () => {
    beforeEach(() => {
      for (const i of [1, 2]) {
        const consumer = { username: `adminapi-filter-by-tag-${i}`, tags: ['corp_ a', `consumer_ ${i}`, '🦍'] };
        const row = k.insert('consumers', consumer);
        expect(row.tags).toEqual(consumer.tags);
        k.insert('plugins', { name: 'file-log', consumer: { id: row.id }, config: { path: '/tmp/file-log' }, tags: ['corp_ a', `consumer_ ${i}`] });
      }
    });

    it('filter by single tag', async () => {
      const res = await k.get('/consumers?tags=corp_%20a');
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(2);
      for (const c of res.body.data) expect(c.tags).toContain('corp_ a');
    });

    it('filter by single unicode tag', async () => {
      const res = await k.get(`/consumers?tags=${encodeURIComponent('🦍')}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(2);
      for (const c of res.body.data) expect(c.tags).toContain('🦍');
    });

    it('filter by empty tag', async () => {
      const res = await k.get('/consumers?tags=');
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('invalid option (tags: cannot be null)');
    });

    it('filter by empty string tag', async () => {
      const res = await k.get("/consumers?tags=''");
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(0);
    });

    it('filter by multiple tags with AND', async () => {
      const res = await k.get('/consumers?tags=corp_%20a,consumer_%201');
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(1);
      expect(res.body.data[0].tags).toHaveLength(3);
      expect(res.body.data[0].tags).toEqual(expect.arrayContaining(['corp_ a', 'consumer_ 1', '🦍']));
    });

    it('filter by multiple tags with OR', async () => {
      const res = await k.get('/consumers?tags=consumer_%202/consumer_%201');
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(2);
    });

    it('ignores tags when filtering by multiple filters #6779', async () => {
      // `tags` is not a parameter of nested lists in the document: Kong ignores it there
      const res = await k.get('/consumers/adminapi-filter-by-tag-1/plugins?tags=consumer_%202', { undocumented: true });
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(1);
      expect(res.body.data[0].tags).toContain('corp_ a');
      expect(res.body.data[0].tags).toContain('consumer_ 1');
      expect(res.body.data[0].tags).not.toContain('consumer_ 2');
    });

    it('errors if filter by mix of AND and OR', async () => {
      for (const q of ['consumer_%203,consumer_%202/consumer_%201', 'consumer_%203/consumer_%202,consumer_%201']) {
        const res = await k.get(`/consumers?tags=${q}`);
        expect(res.status).toBe(400);
        expect(res.body.message).toBe('invalid option (tags: invalid filter syntax)');
      }
    });

    it('errors if filter by tag with invalid value', async () => {
      const res = await k.get('/consumers?tags=%FF');
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('invalid option (tags: invalid filter syntax)');
    });

    it("returns the correct 'next' arg", async () => {
      const res = await k.get('/consumers?tags=corp_%20a&size=1');
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(1);
      expect(res.body.next).toContain('tags=corp_%20a');
    });
  });

  describe('/tags', () => {
    beforeEach(() => {
      for (const i of [1, 2]) k.insert('consumers', { username: `adminapi-filter-by-tag-${i}`, tags: ['corp_ a', `consumer_ ${i}`] });
    });

    it('/tags', async () => {
      expect((await k.get('/tags')).body.data).toHaveLength(4);
    });

    it('/tags/:tags', async () => {
      expect((await k.get('/tags/corp_%20a')).body.data).toHaveLength(2);
    });

    it('/tags/:tags with a not exist tag', async () => {
      expect((await k.get('/tags/does-not-exist')).body.data).toHaveLength(0);
    });

    it('/tags/:tags with invalid :tags value', async () => {
      const res = await k.get('/tags/%FF');
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/invalid utf-8/);
    });

    it('/tags ignores ?tags= query', async () => {
      expect((await k.get('/tags?tags=not_a_tag', { undocumented: true })).body.data).toHaveLength(4);
      expect((await k.get('/tags?tags=invalid@tag', { undocumented: true })).body.data).toHaveLength(4);
    });

    it('/tags/:tags ignores ?tags= query', async () => {
      expect((await k.get('/tags/corp_%20a?tags=not_a_tag', { undocumented: true })).body.data).toHaveLength(2);
      expect((await k.get('/tags/corp_%20a?tags=invalid@tag', { undocumented: true })).body.data).toHaveLength(2);
    });
  });
});

/**
 * spec/02-integration/04-admin_api/23-cors_spec.lua at 3.9.3, with
 * `admin_gui_url` unset (the emulator has no Kong Manager settings): the
 * Admin API answers every origin (kong/api/api_helpers.lua:273 cors_filter).
 * OPTIONS is not in our document: those requests are `undocumented`.
 */
import { kongSpec } from './harness';

kongSpec('spec/02-integration/04-admin_api/23-cors_spec.lua', (k) => {
  describe('Pre-flight request', () => {
    it('should return different allow-methods for specific route', async () => {
      for (const [path, allowed] of [['/', 'GET, HEAD, OPTIONS'], ['/routes', 'GET, HEAD, OPTIONS, POST'], ['/routes/test', 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT']]) {
        const res = await k.send('OPTIONS', path, { undocumented: true });
        expect(res.status).toBe(204);
        expect(res.headers.get('allow')).toBe(allowed);
        expect(res.headers.get('access-control-allow-methods')).toBe(allowed);
      }
    });

    it('should allow headers from the request', async () => {
      let res = await k.send('OPTIONS', '/', { undocumented: true });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type');
      res = await k.send('OPTIONS', '/', { headers: { 'access-control-request-headers': 'X-Header-1,X-Header-2' }, undocumented: true });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-headers')).toBe('X-Header-1,X-Header-2');
    });

    it('should return the correct |AC-Allow-Origin| header when "Origin" is present in request headers', async () => {
      const res = await k.send('OPTIONS', '/', { headers: { origin: 'http://example.com' }, undocumented: true });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://example.com');
    });

    it('should return the correct |AC-Allow-Origin| header when "Origin" is absent in request headers', async () => {
      const res = await k.send('OPTIONS', '/', { undocumented: true });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    });
  });

  describe('Main request', () => {
    it('should not respond to |AC-Request-Method| or |AC-Request-Headers| headers', async () => {
      const res = await k.get('/', { headers: { 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'X-Header-1,X-Header-2' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
      expect(res.headers.get('access-control-allow-headers')).toBeNull();
    });

    it('should return the correct |AC-Allow-Origin| header when "Origin" is present in request headers', async () => {
      const res = await k.get('/', { headers: { origin: 'http://example.com' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://example.com');
    });

    it('should return the correct |AC-Allow-Origin| header when "Origin" is absent in request headers', async () => {
      const res = await k.get('/');
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    });
  });
});

/**
 * The plugin schema specs at 3.9.3: spec/03-plugins/17-ip-restriction/01-schema_spec.lua,
 * spec/03-plugins/13-cors/02-schema_spec.lua and
 * spec/03-plugins/23-rate-limiting/01-schema_spec.lua. Their helper
 * `validate_plugin_config_schema` (spec/helpers.lua) validates a plugin with
 * the given config as Kong does for the Admin API: here, through
 * `POST /schemas/plugins/validate`.
 */
import { kongSpec, type Harness } from './harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `v(config, schema_def)`: `[ok, errors]` where errors are Kong's field errors. */
async function v(k: Harness, name: string, config: Record<string, unknown>): Promise<[boolean, Json]> {
  const res = await k.post('/schemas/plugins/validate', { body: { name, config } });
  return [res.status === 200, res.status === 200 ? undefined : res.body.fields];
}

kongSpec('spec/03-plugins/17-ip-restriction/01-schema_spec.lua', (k) => {
  const ip = (config: Record<string, unknown>) => v(k, 'ip-restriction', config);
  it('should accept a valid allow', async () => {
    expect((await ip({ allow: ['127.0.0.1/32', '127.0.0.2/32'] }))[0]).toBe(true);
  });
  it('should accept a valid allow and status/message', async () => {
    expect((await ip({ allow: ['127.0.0.1/32', '127.0.0.2/32'], status: 403, message: 'Forbidden' }))[0]).toBe(true);
  });
  it('should accept a valid cidr range', async () => {
    expect((await ip({ allow: ['127.0.0.1/8'] }))[0]).toBe(true);
  });
  it('should accept a valid deny', async () => {
    expect((await ip({ deny: ['127.0.0.1/32', '127.0.0.2/32'] }))[0]).toBe(true);
  });
  it('should accept both non-empty allow and deny', async () => {
    expect((await ip({ deny: ['127.0.0.2/32'], allow: ['127.0.0.1/32'] }))[0]).toBe(true);
  });

  describe('errors', () => {
    for (const field of ['allow', 'deny']) {
      it(`${field} should not accept invalid types`, async () => {
        const [ok, err] = await ip({ [field]: 12 });
        expect(ok).toBe(false);
        expect(err.config).toEqual({ [field]: 'expected an array' });
      });

      it(`${field} should not accept invalid IPs`, async () => {
        let [ok, err] = await ip({ [field]: ['hello'] });
        expect(ok).toBe(false);
        expect(err.config).toEqual({ [field]: ["invalid ip or cidr range: 'hello'"] });
        [ok, err] = await ip({ [field]: ['127.0.0.1/32', '127.0.0.2/32', 'hello'] });
        expect(ok).toBe(false);
        // Lua's { [3] = "…" }: JSON null at the valid positions
        expect(err.config).toEqual({ [field]: [null, null, "invalid ip or cidr range: 'hello'"] });
      });
    }

    it('should not accept both empty allow and deny', async () => {
      const [ok, err] = await ip({ deny: [], allow: [] });
      expect(ok).toBe(false);
      expect(err['@entity']).toEqual(["at least one of these fields must be non-empty: 'config.allow', 'config.deny'"]);
    });

    it('should not accept invalid cidr ranges', async () => {
      const [ok, err] = await ip({ allow: ['0.0.0.0/a', '0.0.0.0/-1', '0.0.0.0/33'] });
      expect(ok).toBe(false);
      expect(err.config).toEqual({ allow: ["invalid ip or cidr range: '0.0.0.0/a'", "invalid ip or cidr range: '0.0.0.0/-1'", "invalid ip or cidr range: '0.0.0.0/33'"] });
    });

    it('should not accept invalid ipv6 cidr ranges', async () => {
      const ranges = ['::/a', '::/-1', '::/129', '::1/a', '::1/-1', '::1/129'];
      const [ok, err] = await ip({ allow: ranges });
      expect(ok).toBe(false);
      expect(err.config).toEqual({ allow: ranges.map((r) => `invalid ip or cidr range: '${r}'`) });
    });

    it('should accept valid ipv6 cidr ranges', async () => {
      expect((await ip({ allow: ['::/0', '::/1', '::/128'] }))[0]).toBe(true);
    });
  });
});

kongSpec('spec/03-plugins/13-cors/02-schema_spec.lua', (k) => {
  const cors = (config: Record<string, unknown>) => v(k, 'cors', config);
  describe('origins in cors schema', () => {
    it("validates '*'", async () => {
      expect(await cors({ origins: ['*'] })).toEqual([true, undefined]);
    });
    it('validates what looks like a domain', async () => {
      expect(await cors({ origins: ['example.com'] })).toEqual([true, undefined]);
    });
    it('validates what looks like a regex', async () => {
      expect(await cors({ origins: ['.*\\.example(?:-foo)?\\.com'] })).toEqual([true, undefined]);
    });
    describe('errors', () => {
      it('with invalid regex in origins', async () => {
        const [ok, err] = await cors({ origins: ['.*.example.com', 'invalid_**regex'] });
        expect(ok).toBe(false);
        expect(err.config.origins[1]).toBe("'invalid_**regex' is not a valid regex");
      });
    });
  });

  describe('methods in cors schema', () => {
    for (const method of ['HEAD', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']) {
      it(`should allow ${method}`, async () => {
        expect(await cors({ methods: [method] })).toEqual([true, undefined]);
      });
    }
    describe('errors', () => {
      it('with invalid method', async () => {
        const [ok, err] = await cors({ methods: ['FAKE'] });
        expect(ok).toBe(false);
        expect(err.config.methods[0]).toBe('expected one of: GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS, TRACE, CONNECT');
      });
    });
  });
});

kongSpec('spec/03-plugins/23-rate-limiting/01-schema_spec.lua', (k) => {
  const rl = (config: Record<string, unknown>) => v(k, 'rate-limiting', config);
  it('proper config validates', async () => {
    expect((await rl({ second: 10 }))[0]).toBe(true);
  });
  it('proper config validates (bis)', async () => {
    expect((await rl({ second: 10, minute: 20, hour: 30, day: 40, month: 50, year: 60 }))[0]).toBe(true);
  });
  it('proper config validates (header)', async () => {
    expect((await rl({ second: 10, limit_by: 'header', header_name: 'X-App-Version' }))[0]).toBe(true);
  });
  it('proper config validates (path)', async () => {
    expect((await rl({ second: 10, limit_by: 'path', path: '/request' }))[0]).toBe(true);
  });

  describe('errors', () => {
    it('limits: smaller unit is less than bigger unit', async () => {
      const [ok, err] = await rl({ second: 20, hour: 10 });
      expect(ok).toBe(false);
      expect(err.config).toBe('The limit for hour(10.0) cannot be lower than the limit for second(20.0)');
    });
    it('limits: smaller unit is less than bigger unit (bis)', async () => {
      const [ok, err] = await rl({ second: 10, minute: 20, hour: 30, day: 40, month: 60, year: 50 });
      expect(ok).toBe(false);
      expect(err.config).toBe('The limit for year(50.0) cannot be lower than the limit for month(60.0)');
    });
    it('invalid limit', async () => {
      const [ok, err] = await rl({});
      expect(ok).toBe(false);
      expect(err['@entity']).toEqual(["at least one of these fields must be non-empty: 'config.second', 'config.minute', 'config.hour', 'config.day', 'config.month', 'config.year'"]);
    });
    it('is limited by header but the header_name field is missing', async () => {
      const [ok, err] = await rl({ second: 10, limit_by: 'header' });
      expect(ok).toBe(false);
      expect(err.config.header_name).toBe('required field missing');
    });
    it('is limited by path but the path field is missing', async () => {
      const [ok, err] = await rl({ second: 10, limit_by: 'path' });
      expect(ok).toBe(false);
      expect(err.config.path).toBe('required field missing');
    });
    it('proper config validates with redis new structure', async () => {
      const config = { second: 10, policy: 'redis', redis: { host: 'redis.test', port: 6379, database: 0, username: 'test', password: 'testXXX', ssl: true, ssl_verify: false, timeout: 1100, server_name: 'redis.test' } };
      expect((await rl(config))[0]).toBe(true);
    });
    it('proper config validates with redis legacy structure', async () => {
      // the deprecated redis_* shorthands are not in our document on purpose: Kong still takes them
      const res = await k.post('/schemas/plugins/validate', {
        body: {
          name: 'rate-limiting',
          config: { second: 10, policy: 'redis', redis_host: 'redis.test', redis_port: 6379, redis_database: 0, redis_username: 'test', redis_password: 'testXXX', redis_ssl: true, redis_ssl_verify: false, redis_timeout: 1100, redis_server_name: 'redis.test' },
        },
        undocumented: true,
      });
      expect(res.status).toBe(200);
    });
    it('verifies that redis required fields are supplied', async () => {
      const [ok, err] = await rl({ second: 10, policy: 'redis', redis: { port: 6379, database: 0, username: 'test', password: 'testXXX', ssl: true, ssl_verify: false, timeout: 1100, server_name: 'redis.test' } });
      expect(ok).toBe(false);
      expect(err.config.redis.host).toBe('required field missing');
    });
  });
});

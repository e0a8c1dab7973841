/**
 * Kong's unit specs of the declarative configuration schema at 3.9.3, against
 * the emulator's port of it (test/emulator/declarative.ts), called as the
 * specs call Kong's (`DeclarativeConfig:validate`, `:flatten`):
 *
 * - spec/01-unit/01-db/01-schema/11-declarative_config/01-validate_spec.lua;
 * - spec/01-unit/01-db/01-schema/11-declarative_config/03-flatten_spec.lua
 *   (the cases about references, nesting by id or key, and targets).
 *
 * The specs write YAML (`lyaml.load`); these are the same documents as
 * objects. Not translated: the oauth2_credentials and oauth2_tokens cases
 * and the jwt_secrets ones (the emulator has no oauth2 or jwt entities), the
 * metaschema case (`pending` in Kong), the custom-DAO plugin cases (a plugin
 * loader the emulator does not have), and the flatten cases that compare
 * whole plugin configurations of plugins whose schemas the emulator leaves
 * open (http-log, tcp-log, file-log).
 */
import { declarativeConfigSchema } from '../emulator';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const schema = declarativeConfigSchema({ now: () => 1234567890 });
const validate = (input: Json) => schema.validate(input);
/** What Kong's `assert(DeclarativeConfig:validate(...))` accepts. */
const ok = (input: Json) => expect(validate(input)).toBeUndefined();

/** 03-flatten_spec.lua `idempotent`: entities as lists (by position), every UUID `UUID`, timestamps 1234567890. */
function idempotent(tbl: Json): Json {
  const walk = (t: Json): Json => {
    if (Array.isArray(t)) return t.map(walk);
    if (t === null || typeof t !== 'object') return t;
    const out: Json = {};
    for (const [k, v] of Object.entries(t)) {
      if (k === 'id' && typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v)) out[k] = 'UUID';
      else if (k === 'created_at' || k === 'updated_at') out[k] = 1234567890;
      else out[k] = walk(v);
    }
    return out;
  };
  const out: Json = {};
  for (const [entity, items] of Object.entries<Json>(tbl)) out[entity] = walk(Array.isArray(items) ? items : Object.values(items));
  return out;
}

describe('spec/01-unit/01-db/01-schema/11-declarative_config/01-validate_spec.lua', () => {
  describe('_format_version', () => {
    it('requires version 1.1 or 2.1 or 3.0', () => {
      expect(validate({ _format_version: 1.1 })).toEqual({ _format_version: 'expected a string' });
      expect(validate({ _format_version: 'foobar' })).toEqual({ _format_version: 'expected one of: 1.1, 2.1, 3.0' });
      ok({ _format_version: '1.1' });
      ok({ _format_version: '2.1' });
    });
  });

  describe('_comment', () => {
    it('accepts a string', () => {
      expect(validate({ _format_version: '1.1', _comment: 1234 })).toEqual({ _comment: 'expected a string' });
      ok({ _format_version: '1.1', _comment: '1234' });
      expect(validate({ _format_version: '1.1', _comment: { foo: 'bar' } })).toEqual({ _comment: 'expected a string' });
      ok({ _format_version: '1.1', _comment: 'I am a happy comment!' });
    });
  });

  describe('_ignore', () => {
    it('accepts an array of anything', () => {
      expect(validate({ _format_version: '1.1', _ignore: 1234 })).toEqual({ _ignore: 'expected an array' });
      ok({ _format_version: '1.1', _ignore: [1234] });
      expect(validate({ _format_version: '1.1', _ignore: { foo: 'bar', bla: 123 } })).toEqual({ _ignore: 'expected an array' });
      ok({ _format_version: '1.1', _ignore: [{ foo: 'bar', bla: 123 }, 'Hello, world', 1234] });
    });
  });

  describe('core entities', () => {
    describe('services:', () => {
      it('accepts an empty list', () => ok({ _format_version: '1.1', services: null }));

      it('accepts entities', () => ok({
        _format_version: '1.1',
        services: [
          { name: 'foo', host: 'example.com', protocol: 'https', _comment: 'my comment', _ignore: [{ foo: 'bar' }] },
          { name: 'bar', host: 'example.test', port: 3000, _comment: 'my comment', _ignore: [{ foo: 'bar' }] },
        ],
      }));

      it('verifies required fields', () => {
        expect(validate({ _format_version: '1.1', services: [{ name: 'foo' }] })).toEqual({ services: [{ host: 'required field missing' }] });
      });

      it('performs regular validations', () => {
        expect(validate({ _format_version: '1.1', services: [{ name: 'foo', retries: -1, protocol: 'foo', host: 1234, port: 99999, path: '/foo//bar/' }] })).toEqual({
          services: [{
            host: 'expected a string',
            path: 'must not have empty segments',
            port: 'value should be between 0 and 65535',
            protocol: 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp',
            retries: 'value should be between 0 and 32767',
          }],
        });
      });

      it('allows url shorthand', () => ok({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com:8000/hello/world' }] }));
    });

    describe('plugins:', () => {
      it('accepts an empty list', () => ok({ _format_version: '1.1', plugins: null }));

      it('accepts entities', () => ok({
        _format_version: '1.1',
        plugins: [
          { name: 'key-auth', _comment: 'my comment', _ignore: [{ foo: 'bar' }] },
          { name: 'http-log', config: { http_endpoint: 'https://example.com' }, _comment: 'my comment', _ignore: [{ foo: 'bar' }] },
        ],
      }));

      it('allows foreign relationships as strings', () => ok({
        _format_version: '1.1',
        plugins: [
          { name: 'key-auth', route: 'foo' },
          { name: 'http-log', service: 'svc1', consumer: 'my-consumer', config: { http_endpoint: 'https://example.com' } },
        ],
      }));
    });

    describe('nested relationships:', () => {
      describe('plugins in services', () => {
        it('accepts an empty list', () => ok({ _format_version: '1.1', services: [{ name: 'foo', plugins: [], host: 'example.com' }] }));

        it('accepts entities', () => ok({
          _format_version: '1.1',
          services: [
            {
              name: 'foo', host: 'example.com', protocol: 'https', _comment: 'my comment', _ignore: [{ foo: 'bar' }],
              plugins: [{ name: 'key-auth', _comment: 'my comment', _ignore: [{ foo: 'bar' }] }, { name: 'http-log', config: { http_endpoint: 'https://example.com' } }],
            },
            { name: 'bar', host: 'example.test', port: 3000, plugins: [{ name: 'basic-auth' }, { name: 'tcp-log', config: { host: '127.0.0.1', port: 10000 } }] },
          ],
        }));

        it('verifies required fields', () => {
          expect(validate({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com', plugins: [{ enabled: true }] }] }))
            .toEqual({ services: [{ plugins: [{ name: 'required field missing' }] }] });
        });

        it('performs regular validations', () => {
          expect(validate({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com', plugins: [{ name: 'foo' }] }] }))
            .toEqual({ services: [{ plugins: [{ name: "plugin 'foo' not enabled; add it to the 'plugins' configuration property" }] }] });
        });

        it('does not accept additional foreign keys', () => {
          expect(validate({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com', plugins: [{ name: 'key-auth', consumer: 'foo' }] }] }))
            .toEqual({ services: [{ plugins: [{ consumer: 'value must be null' }] }] });
        });
      });

      describe('routes in services', () => {
        it('accepts an empty list', () => ok({ _format_version: '1.1', services: [{ name: 'foo', routes: [], host: 'example.com' }] }));

        it('accepts entities', () => ok({
          _format_version: '1.1',
          services: [
            { name: 'foo', host: 'example.com', protocol: 'https', routes: [{ paths: ['/path'] }, { hosts: ['example.com'] }, { methods: ['GET', 'POST'] }] },
            { name: 'bar', host: 'example.test', port: 3000, routes: [{ paths: ['/path'], hosts: ['example.com'], methods: ['GET', 'POST'] }] },
          ],
        }));

        it('verifies required fields', () => {
          expect(validate({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com', routes: [{ preserve_host: true }] }] }))
            .toEqual({ services: [{ routes: [{ '@entity': ["must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"] }] }] });
        });

        it('performs regular validations', () => {
          expect(validate({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com', routes: [{ name: 'foo', paths: ['bla'] }] }] }))
            .toEqual({ services: [{ routes: [{ paths: ['should start with: / (fixed path) or ~/ (regex path)'] }] }] });
        });
      });

      describe('plugins in routes in services', () => {
        it('accepts an empty list', () => ok({ _format_version: '1.1', services: [{ name: 'foo', host: 'example.com', routes: [{ name: 'foo', methods: ['GET'], plugins: [] }] }] }));

        it('accepts entities', () => ok({
          _format_version: '1.1',
          services: [
            {
              name: 'foo', host: 'example.com', protocol: 'https',
              routes: [{ name: 'foo', methods: ['GET'], plugins: [{ name: 'key-auth' }, { name: 'http-log', config: { http_endpoint: 'https://example.com' } }] }],
            },
            {
              name: 'bar', host: 'example.test', port: 3000,
              routes: [{ name: 'bar', paths: ['/'], plugins: [{ name: 'basic-auth' }, { name: 'tcp-log', config: { host: '127.0.0.1', port: 10000 } }] }],
            },
          ],
        }));

        it('verifies required fields', () => {
          expect(validate({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com', routes: [{ paths: ['/'], plugins: [{ enabled: true }] }] }] }))
            .toEqual({ services: [{ routes: [{ plugins: [{ name: 'required field missing' }] }] }] });
        });

        it('performs regular validations', () => {
          expect(validate({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com', routes: [{ paths: ['/'], plugins: [{ name: 'foo' }] }] }] }))
            .toEqual({ services: [{ routes: [{ plugins: [{ name: "plugin 'foo' not enabled; add it to the 'plugins' configuration property" }] }] }] });
        });

        it('does not accept additional foreign keys', () => {
          expect(validate({ _format_version: '1.1', services: [{ name: 'foo', url: 'https://example.com', routes: [{ paths: ['/'], plugins: [{ name: 'key-auth', route: 'foo' }] }] }] }))
            .toEqual({ services: [{ routes: [{ plugins: [{ route: 'value must be null' }] }] }] });
        });
      });
    });

    describe('vaults', () => {
      it('accepts vaults (underscore)', () => ok({ _format_version: '1.1', vaults: [{ prefix: 'aba', config: { prefix: 'BANANA_' }, description: 'Banana vault', tags: null, name: 'env' }] }));
      it('accepts vaults (dash)', () => ok({ _format_version: '1.1', vaults: [{ prefix: 'aba', config: { prefix: 'BANANA-' }, description: 'Banana vault', tags: null, name: 'env' }] }));
    });
  });
});

describe('spec/01-unit/01-db/01-schema/11-declarative_config/03-flatten_spec.lua', () => {
  const flatten = (input: Json) => schema.flatten(input);

  describe('core entities', () => {
    describe('plugins:', () => {
      it('fails with missing foreign relationships', () => {
        const r = flatten({
          _format_version: '1.1',
          plugins: [{ name: 'http-log', service: 'svc1', consumer: 'my-consumer', config: { http_endpoint: 'https://example.com' } }],
        });
        expect('errors' in r).toBe(true);
        const errors = idempotent((r as { errors: Json }).errors);
        expect({ plugins: errors.plugins.map((list: string[]) => [...list].sort()) }).toEqual({
          plugins: [[
            "invalid reference 'consumer: my-consumer' (no such entry in 'consumers')",
            "invalid reference 'service: svc1' (no such entry in 'services')",
          ]],
        });
      });

      it('succeeds with present foreign relationships', () => {
        const r = flatten({
          _format_version: '1.1',
          services: [{ name: 'svc1', host: 'example.com' }],
          routes: [{ name: 'r1', path_handling: 'v0', paths: ['/'], service: 'svc1' }],
          consumers: [{ username: 'my-consumer' }],
          plugins: [{ name: 'key-auth', route: 'r1' }, { name: 'http-log', service: 'svc1', consumer: 'my-consumer', config: { http_endpoint: 'https://example.com' } }],
        });
        expect('entities' in r).toBe(true);
        const { entities } = r as { entities: Json };
        const service = Object.values<Json>(entities.services)[0];
        const route = Object.values<Json>(entities.routes)[0];
        const consumer = Object.values<Json>(entities.consumers)[0];
        const plugins = Object.values<Json>(entities.plugins);
        expect(route.service).toEqual({ id: service.id });
        expect(plugins.find((p) => p.name === 'key-auth')).toMatchObject({ route: { id: route.id }, service: null, consumer: null });
        expect(plugins.find((p) => p.name === 'http-log')).toMatchObject({ service: { id: service.id }, consumer: { id: consumer.id }, route: null });
        expect(idempotent({ consumers: entities.consumers })).toEqual({
          consumers: [{ tags: null, created_at: 1234567890, updated_at: 1234567890, custom_id: null, id: 'UUID', username: 'my-consumer' }],
        });
      });
    });

    describe('upstream:', () => {
      it('identical targets', () => {
        const r = flatten({
          _format_version: '1.1',
          upstreams: [
            { name: 'first-upstream', targets: [{ target: '127.0.0.1:6661', weight: 1 }] },
            { name: 'second-upstream', targets: [{ target: '127.0.0.1:6661', weight: 1 }] },
          ],
        });
        expect('entities' in r).toBe(true);
        const target = { created_at: 1234567890, updated_at: 1234567890, id: 'UUID', tags: null, target: '127.0.0.1:6661', upstream: { id: 'UUID' }, weight: 1 };
        expect(idempotent({ targets: (r as { entities: Json }).entities.targets })).toEqual({ targets: [target, target] });
      });
    });
  });

  describe('custom entities', () => {
    describe('basicauth_credentials:', () => {
      const consumer = { id: 'UUID', username: 'consumer', custom_id: null, created_at: 1234567890, updated_at: 1234567890, tags: null };
      const credential = { id: 'UUID', consumer: { id: 'UUID' }, username: 'username', password: 'password', created_at: 1234567890, tags: null };
      const nestedFailure = {
        consumers: [{ basicauth_credentials: [{ '@entity': ["all or none of these fields must be set: 'password', 'consumer.id'"], consumer: 'value must be null' }] }],
      };
      // A reference by string fails the first pass (the password's transformation needs `consumer.id`); the second resolves it or says it cannot.
      const unnestedFailure = {
        basicauth_credentials: [{ '@entity': ["all or none of these fields must be set: 'password', 'consumer.id'"], consumer: { id: 'missing primary key' } }],
      };

      it('accepts an empty list', () => {
        expect('entities' in flatten({ _format_version: '1.1', basicauth_credentials: null })).toBe(true);
      });

      it('accepts as a nested entity', () => {
        const r = flatten({ _format_version: '1.1', consumers: [{ username: 'consumer', basicauth_credentials: [{ username: 'username', password: 'password' }] }] });
        expect(idempotent((r as { entities: Json }).entities)).toEqual({ consumers: [consumer], basicauth_credentials: [credential] });
      });

      it('accepts as a nested entity by id', () => {
        const r = flatten({
          _format_version: '1.1',
          consumers: [{ id: '0fe87b4a-ce29-515a-88ec-8547e66550b9', username: 'consumer', basicauth_credentials: [{ username: 'username', password: 'password', consumer: '0fe87b4a-ce29-515a-88ec-8547e66550b9' }] }],
        });
        expect(idempotent((r as { entities: Json }).entities)).toEqual({ consumers: [consumer], basicauth_credentials: [credential] });
      });

      it('fails as a nested entity by incorrect id', () => {
        const r = flatten({
          _format_version: '1.1',
          consumers: [{ id: '0fe87b4a-ce29-515a-88ec-8547e66550b9', username: 'consumer', basicauth_credentials: [{ username: 'username', password: 'password', consumer: '00000000-0000-0000-0000-000000000000' }] }],
        });
        expect(idempotent((r as { errors: Json }).errors)).toEqual(nestedFailure);
      });

      it('accepts as a nested entity by username', () => {
        const r = flatten({ _format_version: '1.1', consumers: [{ username: 'consumer', basicauth_credentials: [{ username: 'username', password: 'password', consumer: 'consumer' }] }] });
        expect(idempotent((r as { entities: Json }).entities)).toEqual({ consumers: [consumer], basicauth_credentials: [credential] });
      });

      it('fails as a nested entity by incorrect username', () => {
        const r = flatten({ _format_version: '1.1', consumers: [{ username: 'consumer', basicauth_credentials: [{ username: 'username', password: 'password', consumer: 'incorrect' }] }] });
        expect(idempotent((r as { errors: Json }).errors)).toEqual(nestedFailure);
      });

      it('accepts as an unnested entity by id', () => {
        const r = flatten({
          _format_version: '1.1',
          consumers: [{ id: '0fe87b4a-ce29-515a-88ec-8547e66550b9', username: 'consumer' }],
          basicauth_credentials: [{ username: 'username', password: 'password', consumer: '0fe87b4a-ce29-515a-88ec-8547e66550b9' }],
        });
        expect(idempotent((r as { entities: Json }).entities)).toEqual({ consumers: [consumer], basicauth_credentials: [credential] });
      });

      it('fails as an unnested entity by incorrect id', () => {
        const r = flatten({
          _format_version: '1.1',
          consumers: [{ id: '0fe87b4a-ce29-515a-88ec-8547e66550b9', username: 'consumer' }],
          basicauth_credentials: [{ username: 'username', password: 'password', consumer: '00000000-0000-0000-0000-000000000000' }],
        });
        expect(idempotent((r as { errors: Json }).errors)).toEqual(unnestedFailure);
      });

      it('accepts as an unnested entity by username', () => {
        const r = flatten({
          _format_version: '1.1',
          consumers: [{ username: 'consumer' }],
          basicauth_credentials: [{ username: 'username', password: 'password', consumer: 'consumer' }],
        });
        expect(idempotent((r as { entities: Json }).entities)).toEqual({ consumers: [consumer], basicauth_credentials: [credential] });
      });

      it('fails as an unnested entity by incorrect username', () => {
        const r = flatten({
          _format_version: '1.1',
          consumers: [{ username: 'consumer' }],
          basicauth_credentials: [{ username: 'username', password: 'password', consumer: 'incorrect' }],
        });
        expect(idempotent((r as { errors: Json }).errors)).toEqual(unnestedFailure);
      });
    });
  });
});

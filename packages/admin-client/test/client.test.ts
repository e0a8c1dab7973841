import { createKongAdminClient } from '../src';

const dataPlane = {
  id: '5b0f3c4e-7f3c-4d0e-9a57-1d3f5c2b9e10',
  ip: '10.0.3.17',
  hostname: 'ip-10-0-3-17',
  version: '3.9.1',
  config_hash: '0123456789abcdef0123456789abcdef',
  last_seen: 1764150000,
  sync_status: 'normal',
};

/** A fetch that records the request and answers like Kong would. */
function recordingFetch(status: number, body: unknown) {
  const requests: Request[] = [];
  const fetch = async (input: Request) => {
    requests.push(input);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { requests, fetch: fetch as unknown as typeof globalThis.fetch };
}

describe('createKongAdminClient', () => {
  test('GIVEN a proxied Admin API WHEN listing data planes THEN it calls the prefixed path with the API key', async () => {
    const { requests, fetch } = recordingFetch(200, { data: [dataPlane], next: null });
    const client = createKongAdminClient({ baseUrl: 'https://kong-gw.example.com/kong-admin/', apiKey: 's3cret', fetch });

    const { data, error } = await client.GET('/clustering/data-planes', { params: { query: { size: 1000 } } });

    expect(error).toBeUndefined();
    expect(data?.data[0].config_hash).toBe(dataPlane.config_hash);
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe('https://kong-gw.example.com/kong-admin/clustering/data-planes?size=1000');
    expect(requests[0].headers.get('apikey')).toBe('s3cret');
  });

  test('GIVEN a custom key header WHEN calling THEN the key goes in that header only', async () => {
    const { requests, fetch } = recordingFetch(200, { data: [], next: null });
    const client = createKongAdminClient({ baseUrl: 'http://kong-cp.kong.local:8001', apiKey: 'k', apiKeyHeader: 'x-admin-key', fetch });

    await client.GET('/clustering/data-planes');

    expect(requests[0].headers.get('x-admin-key')).toBe('k');
    expect(requests[0].headers.has('apikey')).toBe(false);
  });
});

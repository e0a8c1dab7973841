import { startLocalAdminProxy } from './local-admin-proxy';

// Usage: KONG_ADMIN_API_KEY=… node lib/admin-proxy/cli.js https://kong-gw.example.com/kong-admin [port] [allowed origin]
// The key comes from the environment so that it stays out of shell history and process lists.
const [target, port, allowOrigin] = process.argv.slice(2);
if (!target) {
  console.error('usage: KONG_ADMIN_API_KEY=… node lib/admin-proxy/cli.js <admin URL> [port=9001] [origin=http://localhost:8002]');
  process.exit(2);
}
startLocalAdminProxy({
  target,
  apiKey: process.env.KONG_ADMIN_API_KEY ?? '',
  port: port ? Number(port) : undefined,
  allowOrigin,
}).then((proxy) => {
  console.log(`Admin API of ${target} on ${proxy.url} (key added by this proxy; Ctrl-C to stop)`);
}, (error: Error) => {
  console.error(error.message);
  process.exit(1);
});

import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of moto server that can answer like an AWS service
 * under load: a ThrottlingException for the next N requests to an operation.
 * The SDK sees a real AWS error response and handles it as it would in AWS.
 */
export interface FaultProxy {
  readonly endpoint: string;
  /** Throttles the next `times` requests whose `X-Amz-Target` ends with `.${operation}` (awsJson protocols). */
  throttle(operation: string, times: number): void;
  /** How many requests were throttled so far. */
  readonly throttled: number;
  /** How many requests reached moto. */
  readonly forwarded: number;
  stop(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const rules = new Map<string, number>();
  let throttled = 0;
  let forwarded = 0;

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const amzTarget = String(req.headers['x-amz-target'] ?? '');
    const operation = amzTarget.slice(amzTarget.lastIndexOf('.') + 1);
    const left = rules.get(operation) ?? 0;
    if (left > 0) {
      rules.set(operation, left - 1);
      throttled++;
      req.resume();
      const body = JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' });
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ThrottlingException', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    forwarded++;
    const out = request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', (error) => { res.writeHead(502); res.end(String(error)); });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    throttle: (operation, times) => { rules.set(operation, times); },
    get throttled() { return throttled; },
    get forwarded() { return forwarded; },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

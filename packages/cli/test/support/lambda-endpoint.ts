import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A function the endpoint runs: the event in, the answer out (a throw is a function error). */
export type LocalFunction = (event: unknown, context: { awsRequestId: string; getRemainingTimeInMillis(): number }) => Promise<unknown>;

/** One invocation the endpoint received. */
export interface ReceivedInvocation {
  readonly functionName: string;
  readonly invocationType: string;
  readonly event: unknown;
}

export interface LocalLambda {
  /** For AWS_ENDPOINT_URL_LAMBDA (the SDK's service-specific endpoint variable). */
  readonly endpoint: string;
  readonly invocations: readonly ReceivedInvocation[];
  /** Settles when every invocation started so far (Event ones included) has finished. */
  idle(): Promise<void>;
  /** When an invocation last started or ended (ms since the epoch), or now while one runs; 0 before any. */
  lastActiveAt(): number;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP server that speaks Lambda's Invoke API, so that a real
 * `@aws-sdk/client-lambda` (the CLI's) invokes functions of this process:
 * `POST /2015-03-31/functions/{FunctionName}/invocations` with the event as
 * the body and `X-Amz-Invocation-Type` `RequestResponse` (200, the answer as
 * the body), `Event` (202, run in the background) or `DryRun` (204). A
 * function that throws answers 200 with `X-Amz-Function-Error: Unhandled`
 * and `{errorMessage, errorType, stackTrace}`; an unknown function answers
 * 404 `ResourceNotFoundException` (`X-Amzn-ErrorType`).
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export async function startLocalLambda(functions: Record<string, LocalFunction>, options: { timeoutMs?: number } = {}): Promise<LocalLambda> {
  const invocations: ReceivedInvocation[] = [];
  const running = new Set<Promise<unknown>>();
  let counter = 0;
  let lastActive = 0;
  const timeoutMs = options.timeoutMs ?? 60_000;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations(\?.*)?$/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const error = (status: number, type: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': `local-${counter}` }).end(JSON.stringify({ Type: 'User', message }));
    };
    if (req.method !== 'POST' || !match) return error(404, 'UnknownOperationException', `${req.method} ${req.url}`);
    const name = decodeURIComponent(match[1]).split(':').pop()!;
    const fn = functions[name];
    if (!fn) return error(404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${name}`);
    let event: unknown;
    try {
      event = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      return error(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    invocations.push({ functionName: name, invocationType: type, event });
    if (type === 'DryRun') return void res.writeHead(204).end();
    const id = `local-${++counter}`;
    const deadline = Date.now() + timeoutMs;
    const run = fn(event, { awsRequestId: id, getRemainingTimeInMillis: () => deadline - Date.now() });
    lastActive = Date.now();
    const tracked = run.catch(() => undefined).finally(() => { running.delete(tracked); lastActive = Date.now(); });
    running.add(tracked);
    if (type === 'Event') return void res.writeHead(202, { 'x-amzn-requestid': id }).end();
    try {
      const answer = await run;
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': id }).end(JSON.stringify(answer ?? null));
    } catch (e) {
      const err = e as Error;
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': id })
        .end(JSON.stringify({ errorMessage: err.message, errorType: err.name || 'Error', stackTrace: [] }));
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res).catch((e) => res.writeHead(500).end(String(e))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    invocations,
    idle: async () => {
      while (running.size > 0) await Promise.all([...running]);
    },
    lastActiveAt: () => (running.size > 0 ? Date.now() : lastActive),
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Env } from '../../protocol/index.js';
import type { VpcEndpointService, VpcSettings } from './types.js';

/** The endpoint variables of the services a VPC endpoint can serve. */
const ENDPOINT_VARIABLES: Record<Exclude<VpcEndpointService, 'execute-api'>, string> = {
  sts: 'AWS_ENDPOINT_URL_STS',
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  sqs: 'AWS_ENDPOINT_URL_SQS',
};

/**
 * The network of a function in a VPC without a NAT gateway, as far as PLLDB's runtime meets it:
 * AWS's public endpoints are out of reach (here: an address that refuses connections), and with an
 * execute-api interface endpoint that has private DNS, the WebSocket API's hostname resolves to
 * that endpoint, which answers 403 for a public API (here: a server that answers 403 to anything).
 */
export class VpcNetwork {
  private constructor(
    private readonly unreachable: string,
    private readonly privateEndpoint: Server,
  ) {}

  static async start(): Promise<VpcNetwork> {
    // A port that was just free and is closed again: connecting to it is refused.
    const probe = createServer();
    const port = await listen(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const endpoint = createServer((req, res) => {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'ForbiddenException' });
      res.end('{"message":"Forbidden"}');
    });
    await listen(endpoint);
    return new VpcNetwork(`http://127.0.0.1:${port}`, endpoint);
  }

  /** Rewrites the endpoints in a function's environment as its VPC would resolve or route them. */
  environment(env: Record<string, string>, vpc: VpcSettings): Record<string, string> {
    const served = new Set(vpc.endpoints ?? []);
    const out = { ...env };
    if (out.AWS_ENDPOINT_URL !== undefined) out.AWS_ENDPOINT_URL = this.unreachable;
    for (const [service, name] of Object.entries(ENDPOINT_VARIABLES)) {
      if (!served.has(service as VpcEndpointService)) out[name] = this.unreachable;
    }
    const api = out[Env.WebSocketApiEndpoint];
    if (api !== undefined && URL.canParse(api)) {
      const url = new URL(api);
      const target = new URL(served.has('execute-api') ? `http://127.0.0.1:${(this.privateEndpoint.address() as AddressInfo).port}` : this.unreachable);
      url.protocol = target.protocol;
      url.host = target.host;
      out[Env.WebSocketApiEndpoint] = url.toString().replace(/\/$/, '');
    }
    return out;
  }

  async stop(): Promise<void> {
    this.privateEndpoint.closeAllConnections();
    await new Promise<void>((resolve) => this.privateEndpoint.close(() => resolve()));
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

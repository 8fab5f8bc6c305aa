import http from 'node:http';

/** Connection-level headers: they describe one hop, never the message, so they are not passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'host', 'proxy-connection', 'upgrade', 'te']);

export interface Upstream {
  host: string;
  port: number;
  agent: http.Agent;
}

/** `host:port` of AWS_LAMBDA_RUNTIME_API. */
export function upstreamFor(endpoint: string): Upstream {
  const [host = '127.0.0.1', port = '80'] = endpoint.split(':');
  return { host, port: Number(port), agent: new http.Agent({ keepAlive: true, maxSockets: Infinity }) };
}

export function endToEndHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/**
 * Passes the deployed runtime's request (a /response, /error or /init/error) to the real Runtime API
 * as it came: method, path, headers, body streamed chunk by chunk and trailers (response streaming
 * reports a mid-stream error in the `Lambda-Runtime-Function-Error-Type` / `-Body` trailers), and the
 * Runtime API's answer back to the runtime. Resolves with the Runtime API's status (0: unreachable).
 */
export function relay(req: http.IncomingMessage, res: http.ServerResponse, upstream: Upstream): Promise<number> {
  return new Promise((resolve) => {
    const out = http.request(
      { host: upstream.host, port: upstream.port, agent: upstream.agent, method: req.method, path: req.url, headers: endToEndHeaders(req.headers) },
      (answer) => {
        const status = answer.statusCode ?? 0;
        res.writeHead(status, endToEndHeaders(answer.headers));
        answer.pipe(res);
        answer.on('end', () => resolve(status));
        answer.on('error', () => resolve(status));
      },
    );
    out.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorType: 'PLLDB.RuntimeApiUnreachable', errorMessage: err.message }));
      resolve(0);
    });
    req.on('data', (chunk: Buffer) => out.write(chunk));
    req.on('end', () => {
      if (Object.keys(req.trailers).length > 0) out.addTrailers(req.trailers);
      out.end();
    });
    req.on('error', () => out.destroy());
  });
}

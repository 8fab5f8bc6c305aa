import { ApiGatewayManagementApiClient, GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { explainAwsError } from '../errors.js';
import type { CredentialProvider } from './options.js';

/** Whether a debugger's WebSocket connection is still open: `unknown` when the API would not say. */
export type ConnectionState = { state: 'connected'; connectedAt?: string } | { state: 'gone' } | { state: 'unknown'; reason: string };

/** API Gateway's management API, GetConnection only. */
export interface ConnectionStatusApi {
  /** `endpoint`: the WebSocket API's management endpoint (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`). */
  state(endpoint: string, connectionId: string): Promise<ConnectionState>;
}

export function apiGatewayConnectionStatusApi(options: { region?: string; profile?: string; credentials: CredentialProvider }): ConnectionStatusApi {
  const clients = new Map<string, ApiGatewayManagementApiClient>();
  const clientFor = (endpoint: string) => {
    let client = clients.get(endpoint);
    if (!client) {
      client = new ApiGatewayManagementApiClient({ ...options, endpoint });
      clients.set(endpoint, client);
    }
    return client;
  };
  return {
    async state(endpoint, connectionId) {
      try {
        const out = await clientFor(endpoint).send(new GetConnectionCommand({ ConnectionId: connectionId }));
        return { state: 'connected', ...(out.ConnectedAt ? { connectedAt: out.ConnectedAt.toISOString() } : {}) };
      } catch (err) {
        // GoneException (410): the connection is closed.
        if ((err as Error).name === 'GoneException') return { state: 'gone' };
        const explained = explainAwsError(err, `ask API Gateway whether connection ${connectionId} is open`);
        return { state: 'unknown', reason: explained instanceof Error ? explained.message : String(explained) };
      }
    },
  };
}

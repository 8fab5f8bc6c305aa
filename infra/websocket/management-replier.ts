import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ApiReply } from '../../protocol/index.js';
import type { ConnectionReplier } from './ports.js';

/** Replies through the WebSocket API's management endpoint (`https://{domain}/{stage}`). */
export class ManagementApiReplier implements ConnectionReplier {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async reply(connectionId: string, reply: ApiReply): Promise<void> {
    await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(reply)) }));
  }
}

/** The management endpoint: the override when set (local stand-ins), else the API the event came through. */
export function managementEndpoint(override: string | undefined, domainName: string, stage: string): string {
  return override !== undefined && override !== '' ? override : `https://${domainName}/${stage}`;
}

const clients = new Map<string, ApiGatewayManagementApiClient>();

/** One client per endpoint, kept across invocations of a warm container. */
export function managementClient(endpoint: string): ApiGatewayManagementApiClient {
  let client = clients.get(endpoint);
  if (client === undefined) {
    client = new ApiGatewayManagementApiClient({ endpoint });
    clients.set(endpoint, client);
  }
  return client;
}

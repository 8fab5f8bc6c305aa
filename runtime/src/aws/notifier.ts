import { ApiGatewayManagementApiClient, GetConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { ConnectionGoneError, type Notifier } from './ports.js';

export class WebSocketNotifier implements Notifier {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async post(connectionId: string, data: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(data, 'utf8') }), { abortSignal: signal });
    } catch (err) {
      if (isGone(err)) throw new ConnectionGoneError(connectionId);
      throw err;
    }
  }

  async isConnected(connectionId: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.client.send(new GetConnectionCommand({ ConnectionId: connectionId }), { abortSignal: signal });
      return true;
    } catch (err) {
      if (isGone(err)) return false;
      throw err;
    }
  }
}

function isGone(err: unknown): boolean {
  return err instanceof GoneException || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 410;
}

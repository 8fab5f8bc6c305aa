import { RuntimeActions } from '../../../protocol/index.js';

/**
 * The inline session policy the runtime passes at AssumeRole: the session may do only what the
 * role allows (the intersection), and PostToConnection / GetConnection only on its session's current
 * debugger connection (`{api-id}/{stage}/{method}/@connections/{connection id}`,
 * apigateway-websocket-control-access-iam); when the session moves to another connection the runtime
 * assumes the role again for it. The role already names this stack's API and stage, so those parts
 * stay wildcards here.
 */
export function sessionPolicy(roleArn: string, region: string, connectionId: string): string {
  const [, partition = 'aws', , , account = '*'] = roleArn.split(':');
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: [...RuntimeActions.table, ...RuntimeActions.queue], Resource: '*' },
      {
        Effect: 'Allow',
        Action: [...RuntimeActions.connections],
        Resource: ['POST', 'GET'].map((method) => `arn:${partition}:execute-api:${region || '*'}:${account}:*/*/${method}/@connections/${connectionId}`),
      },
    ],
  });
}

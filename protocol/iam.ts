/**
 * What the runtime calls with the debugger role, and nothing else: the role grants exactly these
 * (infra/lib/debugger-role.ts) and the runtime's session policy repeats them, narrowing
 * ManageConnections to its own connection.
 */
export const RuntimeActions = {
  /** Write the request item, poll it, record delivery or a timeout. */
  table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  /** The invocation's own queue: create, long-poll, delete. */
  queue: ['sqs:CreateQueue', 'sqs:ReceiveMessage', 'sqs:DeleteQueue'],
  /** PostToConnection to the debugger. */
  connections: ['execute-api:ManageConnections'],
} as const;

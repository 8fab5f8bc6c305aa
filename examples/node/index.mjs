// Sample Node.js function for the PLLDB demo: `index.handler`.
// Answers a greeting; throws when the event asks for it ({"fail": true}) to show an error answer;
// {"pad": N} adds N characters to the result (to try large results).

export class GreetingError extends Error {
  name = 'GreetingError';
}

export const handler = async (event, context) => {
  if (event?.fail) throw new GreetingError(`asked to fail (request ${context.awsRequestId})`);
  const name = typeof event?.name === 'string' ? event.name : 'world';
  return {
    message: `Hello, ${name}, from Node.js ${process.version}`,
    requestId: context.awsRequestId,
    remainingMs: context.getRemainingTimeInMillis(),
    ...(Number.isInteger(event?.pad) ? { padding: 'x'.repeat(event.pad) } : {}),
  };
};

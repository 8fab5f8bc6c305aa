/** Variables of the user's own AWS setup that would steer the CLI's clients away from the sandbox. */
const USER_AWS_VARIABLES = ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL'];

/**
 * Points this process's AWS SDK clients at the sandbox (endpoint overrides, region, dummy
 * credentials) exactly as a user's shell would, and returns a function that puts the previous
 * environment back.
 */
export function overrideEnvironment(vars: Record<string, string>): () => void {
  const names = [...new Set([...Object.keys(vars), ...USER_AWS_VARIABLES])];
  const previous = new Map(names.map((name) => [name, process.env[name]]));
  for (const name of USER_AWS_VARIABLES) delete process.env[name];
  Object.assign(process.env, vars);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

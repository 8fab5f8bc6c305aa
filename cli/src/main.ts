// The AWS SDK warns on every client it builds while this Node.js is older than its next minimum;
// plldb supports Node.js 20 (package.json engines), so the warning is noise on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { buildProgram } = await import('./program.js');
await buildProgram().parseAsync(process.argv);

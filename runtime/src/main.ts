// Placeholder entry until the debugger runtime lands (issue 2).
process.stderr.write('PLLDB runtime not built yet\n');
process.exit(1);

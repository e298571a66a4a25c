import { main } from './main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Let stdout drain through pipes, but do not wait on idle keep-alive sockets.
setTimeout(() => process.exit(code), 200).unref();

import { main } from './main.js';

// `roleplay --help | head`: a reader that goes away is no error. A run adds its own handler to save its session.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' && process.stdout.listenerCount('error') === 1) process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Let stdout drain through pipes, but do not wait on idle keep-alive sockets.
setTimeout(() => process.exit(code), 200).unref();

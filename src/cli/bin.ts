import { VERSION } from './version.js';

// `roleplay --help | head`: a reader that goes away is no error. A run adds its own handler to save its session.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' && process.stdout.listenerCount('error') === 1)
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

const args = process.argv.slice(2);
// `roleplay --version` on its own answers before the command parser (commander, and the rest of main) loads.
const code = args.length === 1 && (args[0] === '--version' || args[0] === '-v') ? printVersion() : await (await import('./main.js')).main(args);
process.exitCode = code;
// Let stdout drain through pipes, but do not wait on idle keep-alive sockets.
setTimeout(() => process.exit(code), 200).unref();

function printVersion(): number {
  process.stdout.write(`${VERSION}\n`);
  return 0;
}

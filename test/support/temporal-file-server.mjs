// A file-backed Temporal dev server started exactly as the dev stack starts it (scripts/lib/temporal.mjs,
// with its SQLite pragmas), for tests that kill and restart it. Jest's CommonJS tests cannot import the
// ESM helper, so they run this as a child process:
//
//   node test/support/temporal-file-server.mjs <dataDir> <port>
//
// It prints one JSON line {"address", "pid"} once the server is ready, and stops the server
// when it receives SIGTERM (or its stdin closes).
import { startTemporalDevServer } from '../../scripts/lib/temporal.mjs';

const [dataDir, port] = process.argv.slice(2);
const temporal = await startTemporalDevServer({
  dataDir,
  port: Number(port),
  headless: true,
  useEnv: false,
  log: () => {},
});
process.stdout.write(`${JSON.stringify({ address: temporal.address, pid: temporal.pid })}\n`);
const stop = () => temporal.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();

import { loadConfig } from './config';
import { startRefundDesk } from './desk';

/** Production entry for the API process; the worker runs as its own process (wiring/worker.ts). */
async function main() {
  const desk = await startRefundDesk(loadConfig(), { runWorker: false });
  const stop = () => void desk.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});

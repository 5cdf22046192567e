import { parentPort, workerData } from 'node:worker_threads';
import { buildScanner, type ScannerSetup } from './scanner-setup';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

/** Worker thread entry: builds the scanner once, then scans whatever the pool sends. */
const port = parentPort;
if (!port) throw new Error('scan-worker must run inside a worker thread');

const { scanner } = buildScanner(workerData as ScannerSetup);
port.postMessage({ ready: true } satisfies WorkerReply);

port.on('message', (request: WorkerRequest) => {
  scanner.scan(request.raw, request.source).then(
    (report) => port.postMessage({ id: request.id, report } satisfies WorkerReply),
    (error: unknown) =>
      port.postMessage({ id: request.id, error: (error as Error)?.stack ?? String(error) } satisfies WorkerReply),
  );
});

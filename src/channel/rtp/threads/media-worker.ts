/**
 * The entry of a media worker thread (node:worker_threads): a WorkerHost
 * fed by the main thread's messages. An uncaught error ends the thread; the
 * main thread then ends the calls whose media it carried and starts a new
 * worker for new calls (MediaThread).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, MediaWorkerData, ToWorker } from './protocol.ts';
import { WorkerHost } from './worker-host.ts';

const port = parentPort;
if (!port) throw new Error('media-worker.ts runs as a worker thread');
const host = new WorkerHost(workerData as MediaWorkerData, (msg: FromWorker) => port.postMessage(msg));
port.on('message', (msg: ToWorker) => {
  host.handle(msg);
  // After a shutdown nothing more comes: the thread ends once the last RTCP BYE is out.
  if (msg.t === 'shutdown') port.close();
});

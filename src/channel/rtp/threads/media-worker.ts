/**
 * The entry of a media worker thread (node:worker_threads): a WorkerHost
 * fed by the main thread's messages. An uncaught error ends the thread; the
 * main thread then ends the calls whose media it carried and starts a new
 * worker for new calls (MediaThread).
 */
import { constants, getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, MediaWorkerData, ToWorker } from './protocol.ts';
import { WorkerHost } from './worker-host.ts';

const port = parentPort;
if (!port) throw new Error('media-worker.ts runs as a worker thread');
// Media is the one part of the line with a deadline every 20 ms: ask the
// scheduler to run this thread before ordinary work on a busy machine. On
// Linux a nice value belongs to the thread (who = 0 is the calling thread);
// raising it needs CAP_SYS_NICE, so without it the thread keeps the default.
try {
  setPriority(constants.priority.PRIORITY_HIGH);
  port.postMessage({ t: 'priority', nice: getPriority() } satisfies FromWorker);
} catch (err) {
  port.postMessage({ t: 'priority', nice: null, reason: (err as NodeJS.ErrnoException).code ?? String(err) } satisfies FromWorker);
}

const host = new WorkerHost(workerData as MediaWorkerData, (msg: FromWorker) => port.postMessage(msg));
port.on('message', (msg: ToWorker) => {
  host.handle(msg);
  // After a shutdown nothing more comes: the thread ends once the last RTCP BYE is out.
  if (msg.t === 'shutdown') port.close();
});

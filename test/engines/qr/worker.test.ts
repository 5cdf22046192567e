import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { loadImageLibraries } from '../../../functions/src/engines/qr/libraries';
import { PHISH_URL, qrPng } from './helpers';

/**
 * The CLI scans in worker threads (`strata scan --workers N`) and terminates a worker whose scan
 * overruns. sharp must load and decode in several workers at once, and a worker exiting or being
 * terminated must not unload libvips under the others (on glibc that needs sharp loaded in the
 * main thread too, which creating the engine does). The engine itself is exercised in workers
 * by the CLI; here the libraries are, in plain JavaScript workers.
 */
const DECODE_IN_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const sharp = require(workerData.sharpPath);
const jsQR = require(workerData.jsqrPath);
sharp.concurrency(1);
sharp.cache(false);
(async () => {
  const image = sharp(Buffer.from(workerData.image)).flatten({ background: '#ffffff' });
  const resized = workerData.slow ? image.resize(8000, 8000).blur(30) : image;
  const { data, info } = await resized.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const code = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
  parentPort.postMessage(code ? code.data : null);
})().catch((error) => parentPort.postMessage('error: ' + error.message));
`;

function runWorker(image: Buffer, slow = false): { worker: Worker; result: Promise<unknown> } {
  const worker = new Worker(DECODE_IN_WORKER, {
    eval: true,
    workerData: { image, slow, sharpPath: require.resolve('sharp'), jsqrPath: require.resolve('jsqr') },
  });
  const result = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, result };
}

describe('sharp and jsQR in worker threads', () => {
  beforeAll(() => {
    // What createQrEngine does in the CLI's main thread.
    loadImageLibraries();
  });

  it('decode in two workers at once, and keep working after a worker is terminated mid-decode', async () => {
    const png = await qrPng(PHISH_URL);
    const first = runWorker(png);
    const second = runWorker(png);
    expect(await Promise.all([first.result, second.result])).toEqual([PHISH_URL, PHISH_URL]);
    await Promise.all([first.worker.terminate(), second.worker.terminate()]);

    const doomed = runWorker(png, true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await doomed.worker.terminate();

    const after = runWorker(png);
    expect(await after.result).toBe(PHISH_URL);
    await after.worker.terminate();
    expect((await sharp(png).metadata()).format).toBe('png');
  });
});

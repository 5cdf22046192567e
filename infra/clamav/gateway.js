#!/usr/bin/env node
'use strict';
/**
 * Strata's clamd HTTP gateway. Cloud Run only carries HTTP, and clamd speaks its own TCP
 * protocol, so this small server runs next to clamd in the same container and relays:
 *
 *   POST /scan    body = the bytes to scan   -> 200 + clamd's reply line ("stream: OK",
 *                                               "stream: <signature> FOUND")
 *   GET  /ping                               -> 200 PONG
 *   GET  /version                            -> 200 + clamd's version line
 *   POST /reload                             -> 200 RELOADING
 *
 * Errors: 413 stream over MAX_STREAM_BYTES, 422 clamd answered ERROR, 502 broken exchange with
 * clamd, 503 clamd not reachable, 504 clamd too slow, 404/405 anything else. The request body is
 * streamed into clamd's INSTREAM as it arrives; nothing is buffered or written to disk.
 * Strata's client is functions/src/clamd/http-client.ts. No dependencies; Node 18 or later.
 *
 * Environment: PORT (8080), CLAMD_HOST (127.0.0.1), CLAMD_PORT (3310),
 * MAX_STREAM_BYTES (26214400 = clamd's StreamMaxLength), CLAMD_TIMEOUT_MS (60000).
 */
const http = require('node:http');
const net = require('node:net');
const { setTimeout: delay, clearTimeout } = require('node:timers');

const PORT = Number(process.env.PORT || 8080);
const CLAMD_HOST = process.env.CLAMD_HOST || '127.0.0.1';
const CLAMD_PORT = Number(process.env.CLAMD_PORT || 3310);
const MAX_STREAM_BYTES = Number(process.env.MAX_STREAM_BYTES || 25 * 1024 * 1024);
const CLAMD_TIMEOUT_MS = Number(process.env.CLAMD_TIMEOUT_MS || 60000);
const MAX_REPLY_BYTES = 4096;
const CHUNK_BYTES = 64 * 1024;

function send(res, status, text) {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${text}\n`);
}

/** Bytes of a refused body read and thrown away so the client sees the answer, not a reset. */
const REFUSE_DRAIN_BYTES = 64 * 1024 * 1024;
const REFUSE_DRAIN_MS = 5_000;

/**
 * Answers before the (too large) body was read. Dropping the connection at once would race the
 * client, which is still sending: it would often see a reset instead of the 413. So the rest of
 * the body is read and discarded, within a bound of bytes and time (past it, the connection is
 * cut), and the connection stays open for the client's next request.
 */
function refuse(req, res, status, text) {
  // No "connection: close": the server would close the socket as soon as the answer is out,
  // while the client is still writing, and the client would see EPIPE instead of the answer.
  let drained = 0;
  const timer = delay(() => req.destroy(), REFUSE_DRAIN_MS);
  timer.unref();
  req.on('data', (chunk) => {
    drained += chunk.length;
    if (drained > REFUSE_DRAIN_BYTES) req.destroy();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  send(res, status, text);
}

/**
 * One exchange with clamd: sends `z<command>\0`, lets `feed` write the payload, resolves with
 * the reply line. Rejects with an Error whose `status` is the HTTP status to answer.
 */
function clamdExchange(command, feed) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: CLAMD_HOST, port: CLAMD_PORT });
    const chunks = [];
    let size = 0;
    let connected = false;
    let settled = false;
    const settle = (error, reply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply);
    };
    const failure = (status, message) => Object.assign(new Error(message), { status });
    const replyText = () => Buffer.concat(chunks).toString('utf8').replace(/\0/g, '').trim();
    const timer = delay(() => settle(failure(connected ? 504 : 503, `clamd did not answer ${command} within ${CLAMD_TIMEOUT_MS} ms`)), CLAMD_TIMEOUT_MS);
    const ended = () => (size > 0 ? settle(null, replyText()) : settle(failure(502, `clamd closed the connection during ${command} without a reply`)));
    socket.once('connect', () => {
      connected = true;
      socket.write(`z${command}\0`);
      if (feed) feed(socket, (error) => settle(error));
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
      if (chunk.includes(0)) settle(null, replyText());
      else if (size > MAX_REPLY_BYTES) settle(failure(502, 'clamd reply too long'));
    });
    socket.on('end', ended);
    socket.on('close', ended);
    socket.on('error', (error) => {
      if (!connected) settle(failure(503, `clamd not reachable at ${CLAMD_HOST}:${CLAMD_PORT}: ${error.code || error.message}`));
      else ended();
    });
  });
}

/** Streams the request body into INSTREAM frames, with backpressure and the size limit. */
function feedInstream(req) {
  return (socket, fail) => {
    let total = 0;
    const frame = (chunk) => {
      const header = Buffer.alloc(4);
      header.writeUInt32BE(chunk.length);
      return socket.write(header) && socket.write(chunk);
    };
    req.on('data', (data) => {
      total += data.length;
      if (total > MAX_STREAM_BYTES) {
        req.pause();
        fail(Object.assign(new Error('INSTREAM size limit exceeded. ERROR'), { status: 413 }));
        return;
      }
      let flowing = true;
      for (let offset = 0; offset < data.length; offset += CHUNK_BYTES) flowing = frame(data.subarray(offset, offset + CHUNK_BYTES)) && flowing;
      if (!flowing) {
        req.pause();
        socket.once('drain', () => req.resume());
      }
    });
    req.on('end', () => socket.write(Buffer.alloc(4)));
    req.on('error', (error) => fail(Object.assign(error, { status: 400 })));
  };
}

function statusOfReply(reply) {
  if (/size limit exceeded/i.test(reply)) return 413;
  if (/ERROR$/.test(reply)) return 422;
  return 200;
}

async function handle(req, res) {
  const route = `${req.method} ${(req.url || '').split('?')[0]}`;
  try {
    if (route === 'POST /scan') {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > MAX_STREAM_BYTES) {
        refuse(req, res, 413, 'INSTREAM size limit exceeded. ERROR');
        return;
      }
      const reply = await clamdExchange('INSTREAM', feedInstream(req));
      send(res, statusOfReply(reply), reply);
      return;
    }
    if (route === 'GET /ping') return send(res, 200, await clamdExchange('PING'));
    if (route === 'GET /version') return send(res, 200, await clamdExchange('VERSION'));
    if (route === 'POST /reload') return send(res, 200, await clamdExchange('RELOAD'));
    if (['/scan', '/ping', '/version', '/reload'].includes(route.split(' ')[1])) return send(res, 405, 'method not allowed');
    send(res, 404, 'not found');
  } catch (error) {
    if (error.status === 413) refuse(req, res, 413, error.message);
    else send(res, error.status || 502, error.message);
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => send(res, 500, String(error && error.message)));
});
// Cloud Run ends requests itself; keep connections from its front end alive longer than it does.
server.keepAliveTimeout = 650 * 1000;
server.headersTimeout = 660 * 1000;
server.listen(PORT, () => console.log(JSON.stringify({ severity: 'INFO', message: `clamd gateway on :${PORT} -> ${CLAMD_HOST}:${CLAMD_PORT}` })));
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close(() => process.exit(0)));

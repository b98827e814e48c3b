/**
 * Forwarding one request to a revision process and its answer back: method, path, headers and body both ways, minus
 * the hop-by-hop headers a proxy must not pass on (RFC 9110 §7.6.1), with X-Forwarded-For/-Proto added as Cloud Run's
 * front end adds them.
 */
import http from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** `headers` without the hop-by-hop ones, including any the Connection header names. */
export function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  const kept: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.includes(name)) kept[name] = value;
  }
  return kept;
}

/** Answers with a short plain-text body: the router's own errors, as Cloud Run's front end answers with a page. */
export function plain(res: http.ServerResponse, status: number, text: string): void {
  if (res.destroyed || res.writableEnded) return; // the client is gone: nobody to answer
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${text}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Forwards `req` to the process at `target` (`http://127.0.0.1:PORT`) and streams its answer into `res`. When the
 * process cannot be reached, answers 502 naming `revision`. A client that goes away aborts the forwarded request.
 */
export function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: string,
  revision: string,
  agent: http.Agent,
): void {
  const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  const upstream = http.request(new URL(req.url ?? '/', target), {
    method: req.method,
    headers: { ...endToEnd(req.headers), 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': 'http' },
    agent,
  });
  upstream.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
    answer.on('error', () => res.destroy());
    answer.pipe(res);
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    plain(res, 502, `Bad Gateway: revision '${revision}' could not be reached (${error.code ?? error.message})`);
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

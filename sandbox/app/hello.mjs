/**
 * The demo app every sandbox revision runs: a real HTTP server, one process per revision, whose behaviour follows its
 * image's profile (sandbox/src/images.ts), passed in the environment by the revision host (sandbox/src/revisions/):
 *
 * - PORT, K_SERVICE, K_REVISION, K_CONFIGURATION: as Cloud Run sets them.
 * - DEMO_IMAGE; DEMO_ERROR_RATE (0..1); DEMO_BASE_MS, DEMO_TAIL_MS, DEMO_TAIL_SHARE (the latency model);
 *   DEMO_HEALTH_STATUS (what /healthz answers); DEMO_CRASH=1 to exit at start, as a broken container does.
 *
 * `/healthz` answers DEMO_HEALTH_STATUS; every other path answers `{ service, revision, image, ok: true }`, or a 500 for
 * a share DEMO_ERROR_RATE of requests; all after a delay drawn from the latency model, reported in `x-demo-delay-ms`.
 * Draws come from a PRNG seeded by the revision name, so a revision's sequence of answers is reproducible.
 *
 * Plain JavaScript with Node builtins only: it starts in ~0.1 s, where `node --import tsx` takes ~0.3 s.
 */
import http from 'node:http';

const env = process.env;
const service = env.K_SERVICE ?? 'unknown';
const revision = env.K_REVISION ?? 'unknown';
const image = env.DEMO_IMAGE ?? 'unknown';

if (env.DEMO_CRASH === '1') {
  process.stderr.write(`${image}: this demo image exits at start on purpose\n`);
  process.exit(1);
}

const port = Number(env.PORT);
const errorRate = Number(env.DEMO_ERROR_RATE ?? 0);
const baseMs = Number(env.DEMO_BASE_MS ?? 10);
const tailMs = Number(env.DEMO_TAIL_MS ?? 0);
const tailShare = Number(env.DEMO_TAIL_SHARE ?? 0);
const healthStatus = Number(env.DEMO_HEALTH_STATUS ?? 200);

/** mulberry32, seeded with the FNV-1a hash of the revision name. */
function seededRandom(seedText) {
  let h = 0x811c9dc5;
  for (let i = 0; i < seedText.length; i++) h = Math.imul(h ^ seedText.charCodeAt(i), 0x01000193);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seededRandom(revision);

/** Draws one request's delay and whether it fails, together, so each request takes the same number of draws. */
function draw() {
  const slow = random() < tailShare;
  const spread = random();
  const delayMs = slow ? tailMs * (0.9 + 0.2 * spread) : baseMs * (0.5 + spread);
  const fails = random() < errorRate;
  return { delayMs: Math.round(delayMs), fails };
}

function answer(res, status, body, delayMs) {
  const text = JSON.stringify(body);
  setTimeout(() => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-demo-delay-ms': String(delayMs),
    });
    res.end(text);
  }, delayMs);
}

const server = http.createServer((req, res) => {
  req.resume(); // any body is read and ignored
  const { delayMs, fails } = draw();
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/healthz') {
    answer(res, healthStatus, { status: healthStatus === 200 ? 'ok' : 'unhealthy', revision }, delayMs);
  } else if (fails) {
    answer(res, 500, { service, revision, image, ok: false, error: 'demo error' }, delayMs);
  } else {
    answer(res, 200, { service, revision, image, ok: true }, delayMs);
  }
});
// Longer than the router's idle keep-alive sockets live, so the router never reuses a socket this end just closed.
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');

// The revision host talks to us over an IPC channel: when it goes away (even killed with SIGKILL), so do we.
if (process.connected) process.on('disconnect', () => process.exit(0));

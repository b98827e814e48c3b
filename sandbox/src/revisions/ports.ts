/**
 * Loopback ports for revision processes: the host picks a free one and hands it over in PORT, as Cloud Run does, then
 * waits for the process to listen on it (Cloud Run's default startup probe is a TCP connection to the port).
 */
import net from 'node:net';

/** A port that was free a moment ago: the kernel's pick for port 0, released at once for the child to take. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('a TCP server has no port');
  return address.port;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` now (a refused connection fails at once on loopback). */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

import net from 'node:net';

/** A TCP port free on 127.0.0.1 now, for a server a bench starts (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

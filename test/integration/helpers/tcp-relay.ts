import net from 'node:net';

/**
 * A TCP relay between a client (the API's driver or Redis connection) and a server, to stage outages
 * without touching the server: `forward` passes bytes on; `refuse` closes every connection as soon as
 * it opens (a server that is down); `blackhole` accepts and never answers (a host that drops packets,
 * a server hung in shutdown). Switching mode drops the connections already open. `retarget` points it
 * at a server that came back on another port.
 */
export type RelayMode = 'forward' | 'refuse' | 'blackhole';

export interface TcpRelay {
  port(): number;
  retarget(port: number): void;
  mode(mode: RelayMode): void;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export function tcpRelay(target = 0): TcpRelay {
  let mode: RelayMode = 'forward';
  const open = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (mode === 'refuse') return void client.destroy();
    if (mode === 'blackhole') return;
    const upstream = net.connect(target, '127.0.0.1');
    track(upstream);
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) a.on('close', () => b.destroy());
    client.pipe(upstream).pipe(client);
  });
  return {
    port: () => (server.address() as net.AddressInfo).port,
    retarget: (port) => {
      target = port;
    },
    mode: (m) => {
      mode = m;
      for (const s of open) s.destroy();
    },
    listen: () => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve())),
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../config/logger.ts';
import type { Services } from '../runtime/services.ts';
import { createApp, type ApiOptions } from './app.ts';

export interface ApiServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(services: Services, host: string, port: number, opts: ApiOptions = {}): Promise<ApiServer> {
  const app = createApp(services, opts);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(new Error(`cannot listen on ${host}:${port}: ${err.message}`)) : resolve(s)));
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  logger().info({ url }, 'API listening');
  return {
    server,
    url,
    close: async () => {
      await new Promise<void>((resolve) => {
        // Stop accepting, let in-flight requests finish, then drop idle keep-alive sockets.
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      });
      await app.dispose();
    },
  };
}

import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpRelay {
  readonly port: number;
  /** Connections accepted so far: how many TCP (so TLS) connections the client opened. */
  readonly connections: number;
  /** Drops every open connection, as a load balancer or a restarting server cuts a long-lived stream. */
  cut(): void;
  /** Stops accepting and drops what is open. */
  refuse(): Promise<void>;
}

/** A TCP relay on loopback in front of `port`, for tests that count or cut a client's connections. */
export async function tcpRelay(port: number): Promise<TcpRelay> {
  const open = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((client) => {
    connections++;
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const cut = () => open.forEach((s) => s.destroy());
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    cut,
    refuse: () => new Promise<void>((r) => (server.close(() => r()), cut())),
  };
}

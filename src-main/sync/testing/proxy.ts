/**
 * A TCP proxy on loopback between a replica and the server, to take the network away
 * in tests: `down()` refuses new connections and cuts open ones (mid-push, mid-pull),
 * `up()` restores the link.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Proxy {
  url: string;
  port: number;
  down(): void;
  up(): void;
  /** Cut every connection after `bytes` more bytes have gone from client to server. */
  cutAfter(bytes: number): void;
  /** Cut every connection after `bytes` more bytes have gone from server to client. */
  cutResponseAfter(bytes: number): void;
  close(): Promise<void>;
}

export async function startProxy(target: { host: string; port: number }): Promise<Proxy> {
  let isUp = true;
  let cutBudget: number | null = null;
  let responseBudget: number | null = null;
  const sockets = new Set<Socket>();
  const cutAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const server: Server = createServer((client) => {
    if (!isUp) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      if (cutBudget !== null) {
        cutBudget -= chunk.length;
        if (cutBudget <= 0) {
          cutBudget = null;
          // Forward part of it, then cut: the server sees a truncated request.
          upstream.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)), () => cutAll());
          return;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (responseBudget !== null) {
        responseBudget -= chunk.length;
        if (responseBudget <= 0) {
          responseBudget = null;
          // Deliver part of it, then cut: the client sees a truncated answer.
          client.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)), () => cutAll());
          return;
        }
      }
      client.write(chunk);
    });
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    down() {
      isUp = false;
      cutAll();
    },
    up() {
      isUp = true;
    },
    cutAfter(bytes: number) {
      cutBudget = bytes;
    },
    cutResponseAfter(bytes: number) {
      responseBudget = bytes;
    },
    async close() {
      cutAll();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

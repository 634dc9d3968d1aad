/**
 * Pokes: "something changed, pull now" to every connected replica. Each process pokes its
 * own sockets after a commit; with PostgreSQL every process also LISTENs, so a push to
 * one process reaches the clients connected to the others. A version already poked is
 * not sent twice (the local commit and its own NOTIFY both arrive here).
 */
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import type { zPoke } from '../src-shared/sync/protocol';

interface Peer {
  socket: WebSocket;
  userId: string;
  /** The replica (sessions belong to one client id). */
  clientId: string | null;
}

export class PokeHub {
  private peers = new Set<Peer>();
  private last = 0;

  constructor(initialVersion = 0) {
    this.last = initialVersion;
  }

  get version(): number {
    return this.last;
  }

  add(socket: WebSocket, userId: string, clientId: string | null = null): void {
    const peer = { socket, userId, clientId };
    this.peers.add(peer);
    socket.on('close', () => this.peers.delete(peer));
    // A replica that (re)connects learns at once where the server stands.
    this.send(peer, this.last);
  }

  /**
   * `pusher`: the replica whose push made this version. It pulls right after its push
   * anyway; a poke would only make it pull a second time, competing with the replicas
   * that do need the change.
   */
  poke(version: number, pusher: string | null = null): void {
    if (!(version > this.last)) return;
    this.last = version;
    for (const p of this.peers) if (pusher === null || p.clientId !== pusher) this.send(p, version);
  }

  /** Revoked sessions (password change, account disabled) lose their sockets too. */
  closeUser(userId: string): void {
    for (const p of this.peers) if (p.userId === userId) p.socket.close(4401, 'Sessione revocata');
  }

  closeAll(): void {
    for (const p of this.peers) p.socket.terminate();
    this.peers.clear();
  }

  private send(p: Peer, version: number): void {
    if (p.socket.readyState !== p.socket.OPEN) return;
    const msg: z.infer<typeof zPoke> = { type: 'poke', version };
    p.socket.send(JSON.stringify(msg));
  }
}

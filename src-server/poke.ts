/**
 * Pokes: "something changed, pull now" to every connected replica. Each process pokes its
 * own sockets after a commit; with PostgreSQL every process also LISTENs, so a push to
 * one process reaches the clients connected to the others. A version already poked is
 * not sent twice (the local commit and its own NOTIFY both arrive here).
 *
 * A replica that told its cursor gets the page its pull would have answered inside the
 * poke (see `Pager`): the change reaches it without a request of its own, which was a
 * third of a change's way from one PC to another (HTTP request, a second authentication,
 * the answer). Anything else (no cursor known, a big page, a refused session) is a plain
 * poke, and the replica pulls as before.
 */
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import { zPokeCursor, type zPoke, type zPullResponse } from '../src-shared/sync/protocol';
import type { Session } from './auth';

type Page = z.infer<typeof zPullResponse>;

/** The session a poke socket was opened with, and its token (checked again at each page). */
export interface PeerSession {
  token: string;
  session: Session;
}

/**
 * The page this peer's replica would pull from `cursor`, or null when it should pull
 * itself (session refused or changed, a big or incomplete page).
 */
export type Pager = (peer: PeerSession, cursor: number) => Promise<Page | null>;

interface Peer {
  socket: WebSocket;
  userId: string;
  /** The replica (sessions belong to one client id). */
  clientId: string | null;
  auth: PeerSession | null;
  /** Where the replica's rows are, as it last said (or as the last page sent left them). */
  cursor: number | null;
}

export class PokeHub {
  private peers = new Set<Peer>();
  private last = 0;
  private pager: Pager | null = null;
  private pageRows = 0;

  constructor(initialVersion = 0) {
    this.last = initialVersion;
  }

  get version(): number {
    return this.last;
  }

  /**
   * Pokes carry pages from now on (routes-sync.ts: the pull route's own code), for
   * replicas at most `maxRows` versions behind: each row changed takes one version, so a
   * bigger gap (a batch of hundreds) is not even read, and costs the pushes nothing.
   */
  setPager(pager: Pager, maxRows: number): void {
    this.pager = pager;
    this.pageRows = maxRows;
  }

  add(
    socket: WebSocket,
    userId: string,
    clientId: string | null = null,
    auth: PeerSession | null = null,
  ): void {
    const peer: Peer = { socket, userId, clientId, auth, cursor: null };
    this.peers.add(peer);
    socket.on('close', () => this.peers.delete(peer));
    socket.on('message', (data) => {
      let json: unknown = null;
      try {
        json = JSON.parse(String(data));
      } catch {
        return;
      }
      const m = zPokeCursor.safeParse(json);
      if (m.success) peer.cursor = m.data.cursor;
    });
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
    for (const p of this.peers) {
      if (pusher !== null && p.clientId === pusher) continue;
      const small = p.cursor !== null && version - p.cursor <= this.pageRows;
      if (this.pager && small && p.auth) void this.sendPage(p, version);
      else this.send(p, version);
    }
  }

  /** Revoked sessions (password change, account disabled) lose their sockets too. */
  closeUser(userId: string): void {
    for (const p of this.peers) if (p.userId === userId) p.socket.close(4401, 'Sessione revocata');
  }

  closeAll(): void {
    for (const p of this.peers) p.socket.terminate();
    this.peers.clear();
  }

  private async sendPage(p: Peer, version: number): Promise<void> {
    const from = p.cursor!;
    let page: Page | null = null;
    try {
      page = await this.pager!(p.auth!, from);
    } catch {
      page = null;
    }
    // The replica said something new meanwhile, or no page: a plain poke, it pulls.
    if (!page || p.cursor !== from || page.cursor < version) return this.send(p, version);
    if (p.socket.readyState !== p.socket.OPEN) return;
    // Pokes that follow build on this page; if the replica could not apply it, it pulls
    // and tells its cursor again.
    p.cursor = page.cursor;
    const msg: z.infer<typeof zPoke> = { type: 'poke', version, from, page };
    p.socket.send(JSON.stringify(msg));
  }

  private send(p: Peer, version: number): void {
    if (p.socket.readyState !== p.socket.OPEN) return;
    const msg: z.infer<typeof zPoke> = { type: 'poke', version };
    p.socket.send(JSON.stringify(msg));
  }
}

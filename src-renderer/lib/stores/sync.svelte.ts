import type { CallInput, NoticeView, SyncStatusView } from '../../../src-shared/api';
import { api } from '../api/client';
import { session } from './session.svelte';

/** Quiet phases are polled slowly; while work is under way the status is read often. */
const IDLE_POLL_MS = 30_000;
const BUSY_POLL_MS = 1_000;

type ConnectInput = CallInput<'sync.connect'>;

/**
 * The sync client's state as the UI sees it. The core pushes 'sync.status'; polling
 * covers transports that do not forward that event and a core that was asleep.
 * Notices (work the server refused) are read again whenever their count changes.
 */
class SyncStore {
  status = $state<SyncStatusView | null>(null);
  notices = $state<NoticeView[]>([]);
  /** True while sync.connect runs (it includes the whole first download). */
  connecting = $state(false);
  syncing = $state(false);
  /** The last failure of sync.now, shown on the sync screen. */
  error = $state<string | null>(null);

  private offEvent: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private started = false;
  private noticeCount = -1;

  private readonly onNetworkChange = () => void this.refresh();

  /** Starts listening while someone is logged in (app.svelte drives it). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.noticeCount = -1;
    this.listen();
    window.addEventListener('online', this.onNetworkChange);
    window.addEventListener('offline', this.onNetworkChange);
    void this.refresh();
  }

  stop(): void {
    this.started = false;
    this.offEvent?.();
    this.offEvent = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    window.removeEventListener('online', this.onNetworkChange);
    window.removeEventListener('offline', this.onNetworkChange);
    this.notices = [];
    this.noticeCount = -1;
  }

  private listen(): void {
    this.offEvent ??= api.on('sync.status', (s) => this.apply(s));
  }

  private get busy(): boolean {
    const p = this.status?.phase;
    return this.connecting || p === 'syncing' || p === 'bootstrapping';
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.started && !this.connecting) return;
    this.timer = setTimeout(() => void this.refresh(), this.busy ? BUSY_POLL_MS : IDLE_POLL_MS);
  }

  async refresh(): Promise<void> {
    const res = await api.invoke('sync.status', {});
    if (res.ok) this.apply(res.value);
    else this.schedule();
  }

  private apply(s: SyncStatusView): void {
    this.status = s;
    if (s.notices !== this.noticeCount) {
      this.noticeCount = s.notices;
      void this.loadNotices();
    }
    this.schedule();
  }

  async loadNotices(): Promise<void> {
    // sync.notices needs a session; before login there is nothing to show anyway.
    if (!session.user) return;
    if (this.status?.notices === 0) {
      this.notices = [];
      return;
    }
    const res = await api.invoke('sync.notices', {});
    if (res.ok) this.notices = res.value;
  }

  /** Connects this PC to a server; on success the returned session becomes this window's. */
  async connect(input: ConnectInput) {
    this.connecting = true;
    this.listen();
    this.schedule();
    try {
      const res = await api.invoke('sync.connect', input);
      if (res.ok) {
        session.adopt(res.value);
        this.noticeCount = -1;
      }
      return res;
    } finally {
      this.connecting = false;
      if (!this.started) {
        this.offEvent?.();
        this.offEvent = null;
      }
      await this.refresh();
    }
  }

  async syncNow(): Promise<void> {
    this.syncing = true;
    this.error = null;
    const res = await api.invoke('sync.now', {});
    this.syncing = false;
    if (res.ok) this.apply(res.value);
    else this.error = res.error.message;
  }

  async acknowledge(id: string): Promise<boolean> {
    const res = await api.invoke('sync.acknowledge', { id });
    if (!res.ok) {
      this.error = res.error.message;
      return false;
    }
    this.notices = this.notices.filter((n) => n.id !== id);
    if (this.status) this.status = { ...this.status, notices: Math.max(0, this.status.notices - 1) };
    this.noticeCount = this.status?.notices ?? -1;
    return true;
  }
}

export const sync = new SyncStore();

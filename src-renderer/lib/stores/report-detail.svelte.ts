import type { ApiResult, CallInput, CallName, CallOutput, ReportDetail } from '../../../src-shared/api';
import { api } from '../api/client';
import { changes } from './changes.svelte';

/**
 * One open report. Actions go through `run`, which reloads afterwards (the event
 * would too, but the person who acted should not wait for it) and keeps the last
 * error for the screen to show.
 */
export class ReportDetailStore {
  report = $state<ReportDetail | null>(null);
  loadError = $state<string | null>(null);
  actionError = $state<string | null>(null);
  busy = $state(false);
  private off: (() => void) | null = null;
  private seq = 0;

  constructor(readonly id: string) {}

  start(): () => void {
    void this.load();
    this.off = changes.subscribe((c) => {
      if (c.reportIds.length === 0 || c.reportIds.includes(this.id)) void this.load();
    });
    return () => this.off?.();
  }

  async load(): Promise<void> {
    const mine = ++this.seq;
    const res = await api.invoke('reports.get', { id: this.id });
    if (mine !== this.seq) return;
    if (res.ok) {
      this.report = res.value;
      this.loadError = null;
    } else this.loadError = res.error.message;
  }

  async run<N extends CallName>(name: N, input: CallInput<N>): Promise<ApiResult<CallOutput<N>>> {
    this.busy = true;
    this.actionError = null;
    const res = await api.invoke(name, input);
    this.busy = false;
    if (!res.ok) this.actionError = res.error.message;
    await this.load();
    return res;
  }
}

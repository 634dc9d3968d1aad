import type { CallOutput, UserView } from '../../../src-shared/api';
import { api } from '../api/client';

type AppInfo = CallOutput<'app.info'>;
type SessionValue = CallOutput<'auth.login'>;

/** Who is logged in and what this installation is. */
class Session {
  user = $state<UserView | null>(null);
  info = $state<AppInfo | null>(null);
  /** True until the first auth.me answer (or its absence) is known. */
  checking = $state(true);
  isAdmin = $derived(this.user?.role === 'amministratore');

  constructor() {
    api.onUnauthenticated(() => {
      this.user = null;
    });
  }

  async init(): Promise<void> {
    const info = await api.invoke('app.info', {});
    if (info.ok) this.info = info.value;
    if (api.hasSession) {
      const me = await api.invoke('auth.me', {});
      if (me.ok) this.user = me.value;
    }
    this.checking = false;
  }

  async login(username: string, password: string) {
    const res = await api.invoke('auth.login', { username, password });
    if (res.ok) {
      api.setSession(res.value.token);
      this.user = res.value.user;
    }
    return res;
  }

  /** First start: no user exists yet, the first administrator is created here. */
  async createAdmin(username: string, fullName: string, password: string) {
    const res = await api.invoke('setup.createAdmin', { username, fullName, password });
    if (res.ok) {
      api.setSession(res.value.token);
      this.user = res.value.user;
      if (this.info) this.info = { ...this.info, needsSetup: false };
    }
    return res;
  }

  /**
   * Takes over a session obtained by another call than auth.login (sync.connect): same
   * token handling as login, and the installation's info is read again because the PC
   * may have changed mode.
   */
  adopt(value: SessionValue): void {
    api.setSession(value.token);
    this.user = value.user;
    if (this.info) this.info = { ...this.info, needsSetup: false };
    void api.invoke('app.info', {}).then((info) => {
      if (info.ok) this.info = info.value;
    });
  }

  async logout(): Promise<void> {
    await api.invoke('auth.logout', {});
    api.setSession(null);
    this.user = null;
  }
}

export const session = new Session();

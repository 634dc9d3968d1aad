/**
 * The shell's wiring, run against a stand-in for the 'electron' module: the Electron
 * binary cannot run on these machines (HOUSE-STYLE allows a mock exactly here). The
 * core is a stub too: this test is about what the shell hands to whom, not about the
 * core, which has its own tests.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (...args: unknown[]) => unknown;

interface FakeEvent {
  url: string;
  defaultPrevented: boolean;
  preventDefault(): void;
}
const fakeEvent = (url = ''): FakeEvent => ({
  url,
  defaultPrevented: false,
  preventDefault() {
    this.defaultPrevented = true;
  },
});

function makeElectron(options: { lock: boolean; appPath: string; appData: string }) {
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const paths = new Map<string, string>([['appData', options.appData]]);
  const ipcHandlers = new Map<string, Handler>();
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const windows: FakeWindow[] = [];

  class FakeWebContents extends EventEmitter {
    readonly id = 7;
    readonly mainFrame = { url: 'app://sportello/index.html', parent: null };
    openHandler: Handler | null = null;
    send = vi.fn();
    setWindowOpenHandler(handler: Handler): void {
      this.openHandler = handler;
    }
  }
  class FakeWindow extends EventEmitter {
    static getAllWindows = (): FakeWindow[] => windows;
    readonly webContents = new FakeWebContents();
    loadURL = vi.fn(async () => {});
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    isMinimized = (): boolean => false;
    isDestroyed = (): boolean => false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
    }
  }

  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    enableSandbox: vi.fn(),
    setPath: (name: string, value: string) => paths.set(name, value),
    getPath: (name: string) => paths.get(name) ?? path.join(options.appData, name),
    getAppPath: () => options.appPath,
    getVersion: () => '0.1.0',
    whenReady: () => ready,
    requestSingleInstanceLock: () => options.lock,
    setAppUserModelId: vi.fn(),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  const defaultSession = {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
    setSpellCheckerLanguages: vi.fn(),
  };
  const module = {
    app,
    BrowserWindow: FakeWindow,
    Menu: { buildFromTemplate: (template: unknown) => ({ template }), setApplicationMenu: vi.fn() },
    dialog: {
      showErrorBox: vi.fn(),
      showMessageBox: vi.fn(async () => ({ response: 0 })),
      // What the person does in the save dialog; each test sets its answer.
      showSaveDialog: vi.fn(
        async (..._args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> => ({
          canceled: true,
        }),
      ),
    },
    ipcMain: { handle: (channel: string, handler: Handler) => ipcHandlers.set(channel, handler) },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        protocolHandlers.set(scheme, handler),
    },
    session: { defaultSession },
    shell: { openExternal: vi.fn(async () => {}) },
  };
  return { module, markReady, windows, ipcHandlers, protocolHandlers, defaultSession };
}

function makeCore(dataDir: string) {
  const listeners = new Map<string, Handler[]>();
  const anyListeners: ((event: string, payload: unknown) => void)[] = [];
  return {
    dataDir,
    call: vi.fn(async (name: string) => ({ ok: true as const, value: { echoed: name } })),
    on: vi.fn((event: string, listener: Handler) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return () => {};
    }),
    onAny: vi.fn((listener: (event: string, payload: unknown) => void) => {
      anyListeners.push(listener);
      return () => {};
    }),
    close: vi.fn(),
    emit(event: string, payload: unknown) {
      for (const l of listeners.get(event) ?? []) l(payload);
      for (const l of anyListeners) l(event, payload);
    },
  };
}

const h = vi.hoisted(() => ({
  electron: null as unknown as Record<string, unknown>,
  createCore: null as unknown as (options: { dataDir: string; demo?: boolean }) => Promise<unknown>,
}));

vi.mock('electron', () => {
  const names = ['app', 'BrowserWindow', 'Menu', 'dialog', 'ipcMain', 'protocol', 'session', 'shell'];
  // Getters, not values: the factory runs once, each test installs a fresh fake.
  const live: Record<string, unknown> = {};
  for (const name of names)
    Object.defineProperty(live, name, { get: () => h.electron[name], enumerable: true });
  Object.defineProperty(live, 'default', { get: () => h.electron, enumerable: true });
  return live;
});
vi.mock('../core/create-core', () => ({
  createCore: (options: { dataDir: string; demo?: boolean }) => h.createCore(options),
}));

let tmp: string;
let appPath: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'sportello-shell-'));
  appPath = path.join(tmp, 'app');
  mkdirSync(path.join(appPath, 'dist/renderer/assets'), { recursive: true });
  writeFileSync(path.join(appPath, 'dist/renderer/index.html'), '<!doctype html><title>Sportello</title>');
  writeFileSync(path.join(appPath, 'dist/renderer/assets/app.js'), 'console.log(1)');
  writeFileSync(path.join(tmp, 'secret.txt'), 'segreto');
  vi.resetModules();
  vi.stubEnv('SPORTELLO_DATA_DIR', '');
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(tmp, { recursive: true, force: true });
});

async function boot(lock = true) {
  const fake = makeElectron({ lock, appPath, appData: path.join(tmp, 'appData') });
  const core = makeCore('');
  const createCore = vi.fn(async () => core);
  h.electron = fake.module;
  h.createCore = createCore;
  await import('./main');
  fake.markReady();
  if (lock) await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
  const win = fake.windows[0];
  return { fake, core, createCore, win };
}

describe('Electron shell', () => {
  it('registers app:// as a privileged standard, secure scheme before ready', async () => {
    const { fake } = await boot();
    expect(fake.module.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
    expect(fake.module.app.enableSandbox).toHaveBeenCalled();
  });

  it('builds the core in <appData>/Sportello/data with demo data', async () => {
    const { createCore } = await boot();
    expect(createCore).toHaveBeenCalledWith({
      dataDir: path.join(tmp, 'appData', 'Sportello', 'data'),
      demo: true,
    });
  });

  it('honours SPORTELLO_DATA_DIR', async () => {
    vi.stubEnv('SPORTELLO_DATA_DIR', path.join(tmp, 'dati'));
    const { createCore } = await boot();
    expect(createCore).toHaveBeenCalledWith({ dataDir: path.join(tmp, 'dati'), demo: true });
  });

  it('opens a locked-down window on the app protocol', async () => {
    const { win } = await boot();
    expect(win?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    const prefs = win?.options.webPreferences as { preload: string };
    expect(path.basename(prefs.preload)).toBe('preload.cjs');
    expect(win?.loadURL).toHaveBeenCalledWith('app://sportello/index.html');
  });

  it('serves dist/renderer with the CSP and refuses everything else', async () => {
    const { fake } = await boot();
    const serve = fake.protocolHandlers.get('app');
    if (!serve) throw new Error('app:// not handled');

    const index = await serve(new Request('app://sportello/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(index.headers.get('content-security-policy')).toContain("object-src 'none'");
    expect(await index.text()).toContain('<title>Sportello</title>');

    const js = await serve(new Request('app://sportello/assets/app.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    expect((await serve(new Request('app://sportello/..%2f..%2fsecret.txt'))).status).toBe(403);
    expect((await serve(new Request('app://sportello/assets/missing.js'))).status).toBe(404);
    // A client-side route (no extension) gets the entry page.
    expect(await (await serve(new Request('app://sportello/segnalazioni'))).text()).toContain('Sportello');
  });

  it('denies every permission request', async () => {
    const { fake } = await boot();
    const handler = fake.defaultSession.setPermissionRequestHandler.mock.calls[0]?.[0] as Handler;
    const callback = vi.fn();
    handler({}, 'media', callback);
    handler({}, 'geolocation', callback);
    expect(callback.mock.calls).toEqual([[false], [false]]);
    const check = fake.defaultSession.setPermissionCheckHandler.mock.calls[0]?.[0] as Handler;
    expect(check({}, 'notifications')).toBe(false);
  });

  it('forwards api:invoke from the app frame only', async () => {
    const { fake, core, win } = await boot();
    const invoke = fake.ipcHandlers.get('api:invoke');
    if (!invoke || !win) throw new Error('not wired');
    const fromApp = { sender: win.webContents, senderFrame: win.webContents.mainFrame };

    await expect(invoke(fromApp, 'reports.list', { q: 'buca' }, 'token-1')).resolves.toEqual({
      ok: true,
      value: { echoed: 'reports.list' },
    });
    expect(core.call).toHaveBeenCalledWith('reports.list', { q: 'buca' }, 'token-1');

    await invoke(fromApp, 'auth.login', {}, 42);
    expect(core.call).toHaveBeenLastCalledWith('auth.login', {}, null);

    const foreign = { sender: win.webContents, senderFrame: { url: 'https://evil.example/', parent: null } };
    await expect(async () => invoke(foreign, 'reports.list', {}, null)).rejects.toThrow();
    const subframe = { sender: win.webContents, senderFrame: { url: 'app://sportello/x', parent: {} } };
    await expect(async () => invoke(subframe, 'reports.list', {}, null)).rejects.toThrow();
    const otherContents = { sender: { id: 99 }, senderFrame: win.webContents.mainFrame };
    await expect(async () => invoke(otherContents, 'reports.list', {}, null)).rejects.toThrow();
    expect(core.call).toHaveBeenCalledTimes(2);
  });

  it('pushes every core event (data.changed, sync.status, …) to the window', async () => {
    const { core, win } = await boot();
    core.emit('data.changed', { tables: ['reports'], reportIds: ['r1'] });
    expect(win?.webContents.send).toHaveBeenCalledWith('api:event', 'data.changed', {
      tables: ['reports'],
      reportIds: ['r1'],
    });
    core.emit('sync.status', { phase: 'online' });
    expect(win?.webContents.send).toHaveBeenCalledWith('api:event', 'sync.status', { phase: 'online' });
  });

  it('keeps the window on the app and hands only safe links to the OS', async () => {
    const { fake, win } = await boot();
    if (!win?.webContents.openHandler) throw new Error('no window-open handler');
    const openExternal = fake.module.shell.openExternal;

    expect(win.webContents.openHandler({ url: 'https://www.comune.example.it/' })).toEqual({
      action: 'deny',
    });
    expect(openExternal).toHaveBeenCalledWith('https://www.comune.example.it/');
    expect(win.webContents.openHandler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);

    const away = fakeEvent('https://evil.example/');
    win.webContents.emit('will-navigate', away);
    expect(away.defaultPrevented).toBe(true);
    const inside = fakeEvent('app://sportello/index.html#/segnalazioni');
    win.webContents.emit('will-navigate', inside);
    expect(inside.defaultPrevented).toBe(false);
  });

  it('asks where to save an export and has the core write exactly there', async () => {
    const { fake, core, win } = await boot();
    const invoke = fake.ipcHandlers.get('api:invoke');
    if (!invoke || !win) throw new Error('not wired');
    const fromApp = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const chosen = path.join(tmp, 'Documenti', 'segnalazioni aperte');
    fake.module.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: chosen });
    const input = { format: 'xlsx', filters: { statuses: ['nuovo'] } };

    const res = await invoke(fromApp, 'exports.start', input, 'token-1');
    expect(res).toEqual({ ok: true, value: { echoed: 'exports.start' } });
    const [parent, options] = fake.module.dialog.showSaveDialog.mock.calls[0] as [
      unknown,
      { defaultPath: string; filters: { extensions: string[] }[]; properties: string[] },
    ];
    expect(parent).toBe(win);
    expect(path.dirname(options.defaultPath)).toBe(path.join(tmp, 'appData', 'downloads'));
    expect(path.basename(options.defaultPath)).toMatch(/^segnalazioni-\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(options.filters).toEqual([{ name: expect.any(String), extensions: ['xlsx'] }]);
    expect(options.properties).toContain('showOverwriteConfirmation');
    // A name typed without its extension gets the format's own; the renderer's input is
    // forwarded untouched, the path travels beside it where the renderer cannot reach.
    expect(core.call).toHaveBeenCalledWith('exports.start', input, 'token-1', { saveTo: `${chosen}.xlsx` });

    fake.module.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/tmp/scheda.pdf' });
    await invoke(fromApp, 'exports.start', { format: 'pdf', reportId: 'r1' }, 'token-1');
    const pdf = fake.module.dialog.showSaveDialog.mock.calls[1]?.[1] as {
      defaultPath: string;
      filters: { extensions: string[] }[];
    };
    expect(path.basename(pdf.defaultPath)).toMatch(/^scheda-segnalazione-.*\.pdf$/);
    expect(pdf.filters[0]?.extensions).toEqual(['pdf']);
    expect(core.call).toHaveBeenLastCalledWith(
      'exports.start',
      { format: 'pdf', reportId: 'r1' },
      'token-1',
      { saveTo: '/tmp/scheda.pdf' },
    );
  });

  it('closing the save dialog starts no export and answers "cancelled"', async () => {
    const { fake, core, win } = await boot();
    const invoke = fake.ipcHandlers.get('api:invoke');
    if (!invoke || !win) throw new Error('not wired');
    const fromApp = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    fake.module.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    const res = (await invoke(fromApp, 'exports.start', { format: 'csv', filters: {} }, 'token-1')) as {
      ok: boolean;
      error: { code: string; message: string };
    };
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe('cancelled');
    expect(res.error.message).toMatch(/annullata/);
    expect(core.call).not.toHaveBeenCalled();
    // Other calls, exports.status included, go straight to the core.
    await invoke(fromApp, 'exports.status', { exportId: 'e1' }, 'token-1');
    expect(core.call).toHaveBeenCalledWith('exports.status', { exportId: 'e1' }, 'token-1');
    expect(fake.module.dialog.showSaveDialog).toHaveBeenCalledTimes(1);
  });

  it('closes the core when quitting', async () => {
    const { fake, core } = await boot();
    fake.module.app.emit('will-quit');
    expect(core.close).toHaveBeenCalledTimes(1);
  });

  it('quits at once when another instance holds the lock', async () => {
    const { fake, createCore } = await boot(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.module.app.quit).toHaveBeenCalled();
    expect(createCore).not.toHaveBeenCalled();
    expect(fake.windows).toHaveLength(0);
  });

  it('explains in Italian when the data cannot be opened', async () => {
    const fake = makeElectron({ lock: true, appPath, appData: path.join(tmp, 'appData') });
    h.electron = fake.module;
    h.createCore = async () => {
      throw new Error('database is locked');
    };
    await import('./main');
    fake.markReady();
    await vi.waitFor(() => expect(fake.module.app.exit).toHaveBeenCalledWith(1));
    expect(fake.module.dialog.showErrorBox).toHaveBeenCalledWith(
      'Sportello non può avviarsi',
      expect.stringContaining('database is locked'),
    );
    expect(fake.windows).toHaveLength(0);
  });
});

/**
 * The Electron shell: the only code that imports 'electron'. It resolves paths, builds
 * the core, opens one locked-down window and forwards IPC. Anything worth testing lives
 * in ./paths (pure Node); the rest is wiring that needs the Electron binary to run.
 */
import {
  BrowserWindow,
  Menu,
  app,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
} from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createCore } from '../core/create-core';
import type { Core } from '../core/core-types';
import { startExportWithDialog } from './export-dialog';
import {
  APP_SCHEME,
  APP_START_URL,
  appResponseHeaders,
  isAllowedExternalUrl,
  isAppUrl,
  resolveAppRequest,
  resolveDataDir,
} from './paths';

const INVOKE_CHANNEL = 'api:invoke';
const EVENT_CHANNEL = 'api:event';
const isDev = !app.isPackaged;

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;

// Privileges must be declared before 'ready'. standard+secure gives the renderer a real
// origin (app://sportello) so 'self' in the CSP, fetch and ES modules behave as on https.
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true },
  },
]);
app.enableSandbox();
// Same folder in development (package name "sportello") and once packaged (productName
// "Sportello"), and the one the CLI administers (src-main/core/paths.ts).
app.setPath('userData', path.join(app.getPath('appData'), 'Sportello'));

function rendererRoot(): string {
  // Repo root in development, app.asar in a packaged app: same layout in both.
  return path.join(app.getAppPath(), 'dist', 'renderer');
}

async function serveAppRequest(request: Request): Promise<Response> {
  const root = rendererRoot();
  const resolved = resolveAppRequest(root, request.url);
  if (resolved.kind !== 'file') return new Response('Accesso negato', { status: 403 });
  let filePath = resolved.filePath;
  let body: Buffer;
  try {
    body = await readFile(filePath);
  } catch {
    // Client-side routes have no extension: hand them the app's entry page.
    if (path.extname(filePath) !== '') return new Response('Non trovato', { status: 404 });
    filePath = path.join(root, 'index.html');
    try {
      body = await readFile(filePath);
    } catch {
      return new Response('Non trovato', { status: 404 });
    }
  }
  return new Response(new Uint8Array(body), { status: 200, headers: appResponseHeaders(filePath) });
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return (
    mainWindow !== null &&
    !mainWindow.isDestroyed() &&
    event.sender.id === mainWindow.webContents.id &&
    frame !== null &&
    frame.parent === null &&
    isAppUrl(frame.url)
  );
}

function registerIpc(): void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, name: unknown, input: unknown, sessionToken: unknown) => {
    if (!isTrustedSender(event)) throw new Error('Richiesta rifiutata: origine non autorizzata.');
    if (core === null) {
      return {
        ok: false,
        error: { code: 'unavailable', message: "L'applicazione si sta avviando o chiudendo." },
      };
    }
    if (typeof name !== 'string') {
      return { ok: false, error: { code: 'bad_request', message: 'Nome della chiamata non valido.' } };
    }
    const token = typeof sessionToken === 'string' ? sessionToken : null;
    if (name === 'exports.start') {
      const folder = app.getPath('downloads');
      return startExportWithDialog({ core, dialog, window: mainWindow, folder }, input, token);
    }
    return core.call(name, input, token);
  });
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  try {
    ses.setSpellCheckerLanguages(['it-IT']);
  } catch {
    // macOS uses the system spell checker and rejects explicit languages.
  }
}

function openExternalIfAllowed(url: string): void {
  if (isAllowedExternalUrl(url)) void shell.openExternal(url);
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 640,
    title: 'Sportello',
    show: false,
    backgroundColor: '#f6f7f9',
    icon:
      process.platform === 'linux' ? path.join(app.getAppPath(), 'resources/icons/icon-512.png') : undefined,
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: true,
      devTools: isDev,
    },
  });

  win.webContents.setWindowOpenHandler(({ url }) => {
    openExternalIfAllowed(url);
    return { action: 'deny' };
  });
  const guardNavigation = (event: { preventDefault(): void }, url: string): void => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    openExternalIfAllowed(url);
  };
  win.webContents.on('will-navigate', (event) => guardNavigation(event, event.url));
  win.webContents.on('will-redirect', (event) => guardNavigation(event, event.url));
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });

  void win.loadURL(APP_START_URL);
  return win;
}

function showAbout(): void {
  const options = {
    type: 'info' as const,
    title: 'Informazioni su Sportello',
    message: `Sportello ${app.getVersion()}`,
    detail:
      'Gestione delle segnalazioni dei cittadini per i Comuni.\n' +
      `Electron ${process.versions.electron} · Node ${process.versions.node}`,
    buttons: ['OK'],
  };
  if (mainWindow) void dialog.showMessageBox(mainWindow, options);
  else void dialog.showMessageBox(options);
}

function buildMenu(): Menu {
  const template: MenuItemConstructorOptions[] = [];
  if (process.platform === 'darwin') {
    template.push({
      label: 'Sportello',
      submenu: [
        { label: 'Informazioni su Sportello', click: showAbout },
        { type: 'separator' },
        { role: 'hide', label: 'Nascondi Sportello' },
        { role: 'hideOthers', label: 'Nascondi altre' },
        { role: 'unhide', label: 'Mostra tutte' },
        { type: 'separator' },
        { role: 'quit', label: 'Esci da Sportello' },
      ],
    });
  }
  template.push({ label: 'File', submenu: [{ role: 'quit', label: 'Esci' }] });
  // Undo/redo/select-all beside cut/copy/paste: on macOS the shortcuts only work in
  // text fields when the Edit menu declares them.
  template.push({
    label: 'Modifica',
    submenu: [
      { role: 'undo', label: 'Annulla' },
      { role: 'redo', label: 'Ripeti' },
      { type: 'separator' },
      { role: 'cut', label: 'Taglia' },
      { role: 'copy', label: 'Copia' },
      { role: 'paste', label: 'Incolla' },
      { role: 'selectAll', label: 'Seleziona tutto' },
    ],
  });
  if (isDev) {
    template.push({
      label: 'Visualizza',
      submenu: [
        { role: 'reload', label: 'Ricarica' },
        { role: 'toggleDevTools', label: 'Strumenti per sviluppatori' },
      ],
    });
  }
  template.push({
    label: 'Aiuto',
    submenu: [{ label: 'Informazioni su Sportello', click: showAbout }],
  });
  return Menu.buildFromTemplate(template);
}

async function start(): Promise<void> {
  await app.whenReady();
  lockDownSession();
  protocol.handle(APP_SCHEME, serveAppRequest);
  Menu.setApplicationMenu(buildMenu());

  const dataDir = resolveDataDir(process.env, app.getPath('userData'));
  let created: Core;
  try {
    created = await createCore({ dataDir, demo: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    dialog.showErrorBox(
      'Sportello non può avviarsi',
      `Impossibile aprire l'archivio dei dati in ${dataDir}.\n\n${detail}\n\n` +
        'Se Sportello è già aperto su questo computer, chiudilo e riprova.',
    );
    app.exit(1);
    return;
  }
  core = created;
  core.onAny((event, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      mainWindow.webContents.send(EVENT_CHANNEL, event, payload);
    }
  });
  registerIpc();
  mainWindow = createWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Two processes on one SQLite file would fight over the WAL: hand focus to the first.
  app.quit();
} else {
  if (process.platform === 'win32') app.setAppUserModelId('it.sportello.desktop');

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // No window may open anything the app did not create (webviews, foreign pages).
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      openExternalIfAllowed(url);
      return { action: 'deny' };
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (core !== null && BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  app.on('will-quit', () => {
    core?.close();
    core = null;
  });

  start().catch((error: unknown) => {
    console.error(error);
    app.exit(1);
  });
}

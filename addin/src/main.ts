import './no-eval';
import { createOfficeAdapter } from '../excel/office-adapter';
import type { WorkbookPort } from '../excel/port';
import { PaneError, TaskpaneController } from './controller';
import { dom } from './dom';
import { tt } from './i18n';
import type { KeyValueStorage } from './i18n';
import { mountPane } from './view';

/**
 * Boot. Browser tests inject a fake Excel host as `globalThis.__ASR_FAKE_EXCEL__` (built
 * from addin/testing/fake-excel.ts, never shipped in production); otherwise the pane waits
 * for Office.onReady and uses the real `Excel`. The server URL and the token live in the
 * add-in's localStorage, never in the workbook.
 */

type ExcelNamespace = Parameters<typeof createOfficeAdapter>[0];

/** What the pane needs of office.js's globals (typed here so the Node typecheck needs no office-js types). */
interface OfficeGlobals {
  __ASR_FAKE_EXCEL__?: { Excel: unknown };
  __ASR_PANE__?: unknown;
  Office?: { onReady(callback: (info: { host: unknown; platform: unknown } | null) => void): unknown; HostType?: { Excel?: unknown } };
  Excel?: unknown;
}
const host = () => globalThis as unknown as OfficeGlobals;

/** localStorage, or memory when the host forbids it (the choices then last one session). */
function paneStorage(): KeyValueStorage {
  try {
    const ls = dom().localStorage;
    const probe = '__asr_probe__';
    ls.setItem(probe, '1');
    ls.removeItem(probe);
    return ls;
  } catch {
    const memory = new Map<string, string>();
    return {
      getItem: (k) => memory.get(k) ?? null,
      setItem: (k, v) => void memory.set(k, v),
      removeItem: (k) => void memory.delete(k),
    };
  }
}

/** Outside Excel (a plain browser): connecting works, workbook actions say where to go. */
function noWorkbookPort(): WorkbookPort {
  const refuse = async (): Promise<never> => {
    throw new PaneError(tt('notInExcel'));
  };
  return {
    insertTemplate: refuse,
    findTemplates: async () => [],
    validateInPlace: refuse,
    writeInputs: refuse,
    selectInput: refuse,
    writeConsolidated: refuse,
  };
}

function defaultServer(): string {
  const location = dom().location;
  return location && (location.protocol === 'https:' || location.protocol === 'http:') ? location.origin : '';
}

async function start(port: WorkbookPort, expose = false): Promise<void> {
  const { document, window } = dom();
  const root = document.getElementById('app');
  if (!root) return;
  const controller = new TaskpaneController({ port, storage: paneStorage(), defaultServerUrl: defaultServer() });
  const view = mountPane(root, controller);
  // Browser tests with the fake host may drive and inspect the pane; a real host never gets this.
  if (expose) host().__ASR_PANE__ = { controller, view };
  controller.startQueueRetry({
    onOnline: (listener) => {
      window.addEventListener('online', listener);
      return () => window.removeEventListener('online', listener);
    },
    setInterval: (fn, ms) => window.setInterval(fn, ms),
    clearInterval: (handle) => window.clearInterval(handle as number),
  });
  await controller.init();
  if (controller.state.me) view.select(controller.state.template ? 'check' : 'template');
}

function boot(): void {
  const g = host();
  const fake = g.__ASR_FAKE_EXCEL__;
  if (fake) {
    void start(createOfficeAdapter(fake.Excel as ExcelNamespace), true);
    return;
  }
  const office = g.Office;
  if (!office || typeof office.onReady !== 'function') {
    void start(noWorkbookPort());
    return;
  }
  office.onReady((info) => {
    const excelHost = office.HostType?.Excel ?? 'Excel';
    const inExcel = !!info && info.host === excelHost && g.Excel !== undefined;
    void start(inExcel ? createOfficeAdapter(g.Excel as ExcelNamespace) : noWorkbookPort());
  });
}

const { document } = dom();
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();

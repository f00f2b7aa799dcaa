/**
 * The consolidation tab's "Tải báo cáo Word" button: the controller asks the real server for
 * …/report.docx in the pane's language and basis, and gets the Word file with its people's name.
 */
import assert from 'node:assert/strict';
import type { WorkbookPort } from '../../addin/excel/port';
import { TaskpaneController } from '../../addin/src/controller';
import { MapStorage } from './map-storage';
import { startRealServer } from './real-server';
import type { RealServer, Who } from './real-server';


/** The report needs no workbook: every Excel call fails the test. */
const unused = (): Promise<never> => Promise.reject(new Error('the Word report does not touch the workbook'));
const NO_WORKBOOK: WorkbookPort = {
  insertTemplate: unused,
  findTemplates: () => Promise.resolve([]),
  validateInPlace: unused,
  writeInputs: unused,
  selectInput: unused,
  writeConsolidated: unused,
};

describe('task pane: the Word report button (against the real server)', function () {
  this.timeout(60_000);
  let srv: RealServer;
  beforeEach(async () => {
    srv = await startRealServer();
  });
  afterEach(async () => srv.close());

  async function pane(who: Who): Promise<TaskpaneController> {
    let id = 0;
    const controller = new TaskpaneController({ port: NO_WORKBOOK, storage: new MapStorage(), fetch: srv.fetch, now: () => srv.clock.now, newId: () => `id-${++id}` });
    await controller.connect(`${srv.base}/`, who.secret);
    await controller.selectPlan('hn-kh207-2021');
    controller.selectPeriod('2023');
    return controller;
  }

  it("downloads the report through GET …/report.docx and names the file as the server does", async () => {
    const controller = await pane(srv.tokens.city);
    const file = await controller.downloadReport();
    assert.equal(file.fileName, 'Bao-cao-KH207-nam-2023.docx');
    assert.equal(Buffer.from(file.bytes).subarray(0, 2).toString('latin1'), 'PK', 'a zip package (.docx)');
    const call = srv.requests.filter((r) => r.path.endsWith('/report.docx'));
    assert.deepEqual(call.map((r) => [r.method, r.path]), [['GET', '/api/plans/hn-kh207-2021/periods/2023/report.docx']]);
    assert.match(controller.state.notice?.text.vi ?? '', /Đã tải báo cáo Bao-cao-KH207-nam-2023\.docx/);
    assert.equal(controller.state.busy, null);
  });

  it('an agency is told it is for the consolidator, and nothing is requested', async () => {
    const controller = await pane(srv.tokens.syt);
    await assert.rejects(controller.downloadReport());
    assert.equal(srv.requests.filter((r) => r.path.endsWith('/report.docx')).length, 0);
    assert.equal(controller.state.notice?.kind, 'error');
  });
});

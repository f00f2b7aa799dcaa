/** A district's template rendered by LibreOffice (xlsx → PDF → text): what the clerk reads on paper. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import { agencyTemplate } from '../../shared/layout/template';
import { renderWorkbook } from '../../server/xlsx/render';
import { convertWithSoffice, findSoffice, requireSoffice } from './libreoffice';

const root = fileURLToPath(new URL('../../', import.meta.url));
const load = (p: string) => JSON.parse(readFileSync(`${root}${p}`, 'utf8'));

describe('a district template printed through LibreOffice', function () {
  this.timeout(300_000);

  it('shows every year’s target, the citywide sentence, the agencies and last period’s values, and no internal name', async function () {
    const soffice = findSoffice();
    requireSoffice(this, soffice);
    const plan = compilePlan(load('shared/plans/hn-kh207-2021.json'));
    const register = createRegister(load('shared/agencies/hanoi.json'));
    const layout = agencyTemplate(plan, register, { agencyId: 'hn-h-ba-vi', period: '2022', previous: { period: '2022-9M', values: { '2': 118000, '21': '96,5' } } });
    const dir = mkdtempSync(path.join(tmpdir(), 'asr-clerk-render-'));
    try {
      const file = path.join(dir, 'template.xlsx');
      writeFileSync(file, await renderWorkbook(layout));
      const run = convertWithSoffice(soffice ?? 'soffice', file, 'pdf', dir, dir);
      assert.equal(run.status, 0, run.stderr);
      const text = spawnSync('pdftotext', [path.join(dir, 'template.pdf'), '-'], { encoding: 'utf8' });
      assert.equal(text.status, 0, text.stderr);
      const flat = text.stdout.replace(/\s+/g, ' ');
      for (const expected of ['Kỳ trước', 'Chỉ tiêu các năm', '▶ 2022:', '(kỳ này)', 'Chủ trì: Sở Lao động', 'đơn vị báo cáo phần đóng góp của mình vào tổng chung', '(toàn Thành phố)', '96,5']) {
        assert.ok(flat.includes(expected), `${expected} in the printed template`);
      }
      assert.doesNotMatch(flat, /_asr_meta|asr\.value|hn-h-ba-vi/, 'no internal name on paper');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

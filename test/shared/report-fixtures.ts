import type { ReportRecord } from '../../shared/consolidate';

/** Plan 207's 2023 round: some indicators met, health lagging with its reasons, a document overdue. */
export function round207(): ReportRecord[] {
  return [
    {
      agencyId: 'hn-sldtbxh',
      status: 'submitted',
      entries: [
        { code: '1', value: '2,8' },
        { code: '7', value: '1,5' },
        { code: '9', value: '100' },
        { code: '20', value: 'Cơ bản đạt' },
        { code: '26', value: '67,5', note: 'Nhiều lao động chuyển sang khu vực phi chính thức sau dịch COVID-19' },
      ],
      documents: [
        { code: 'NAM.1', status: 'issued', reference: 'Kế hoạch 35/KH-UBND', issuedOn: '2023-02-10' },
        { code: 'NAM.3', status: 'notIssued', note: 'Đang chờ ý kiến các sở, ngành' },
      ],
    },
    {
      agencyId: 'hn-syt',
      status: 'approved',
      entries: [
        { code: '11', value: '20', note: 'Thiếu nhân lực y tế cơ sở; nhiều bác sĩ chuyển sang khu vực tư nhân' },
        { code: '14', value: '90' },
        { code: '16', value: '2,3' },
      ],
      projects: [{ code: 'A.I.1', disbursed: '150.000' }, { code: 'A.I.2', disbursed: '469.066' }],
      documents: [{ code: '2021-Q4.3', status: 'notIssued', note: 'Chờ Bộ Y tế ban hành hướng dẫn định mức giường bệnh' }],
    },
    { agencyId: 'hn-bhxh', status: 'late', entries: [{ code: '3', value: 45 }, { code: '3.1', value: 43 }, { code: '3.2', value: 2 }] },
  ];
}


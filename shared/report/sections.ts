import type { TaskTableStatus } from '../consolidate-tasks';
import { formatDate } from '../layout/labels';
import type { ReportContext, ReportSection } from './content';

/** The report's sections on documents, investment projects and tasks (shared/report/build.ts). */

export function documentSection(ctx: ReportContext): ReportSection {
  const { table, lang } = ctx;
  const vi = lang === 'vi';
  const c = table.documents.counts;
  const total = table.documents.rows.length;
  if (total === 0) return { heading: vi ? 'III. BAN HÀNH VĂN BẢN' : 'III. DOCUMENTS', paragraphs: [vi ? 'Kế hoạch không giao ban hành văn bản.' : 'The plan calls for no documents.'] };
  const paragraphs = [
    vi
      ? `Kế hoạch giao ban hành ${total} văn bản: ${c.issued} văn bản đã ban hành; ${c.overdue} văn bản quá hạn chưa ban hành; ${c.notReported} văn bản đã đến hạn nhưng chưa có báo cáo; ${c.pending} văn bản chưa đến hạn.`
      : `The plan calls for ${total} documents: ${c.issued} issued; ${c.overdue} overdue, not issued; ${c.notReported} due with no report; ${c.pending} not due yet.`,
  ];
  const title = (t: string) => t.trim().replace(/\.$/u, '');
  for (const d of table.documents.rows) {
    if (d.status === 'issued') {
      const ref = d.reference ? (vi ? ` (${d.reference}${d.issuedOn ? `, ngày ${formatDate(d.issuedOn, 'vi')}` : ''})` : ` (${d.reference}${d.issuedOn ? `, ${formatDate(d.issuedOn, 'en')}` : ''})`) : '';
      paragraphs.push(`- ${title(d.title)}${ref}: ${vi ? 'đã ban hành' : 'issued'}.`);
    } else if (d.status === 'overdue') {
      const reasons = d.notes.filter((n) => n.note.trim() !== '').map((n) => `${n.agency[lang]}: ${n.note.trim().replace(/\.$/u, '')}`);
      const why = reasons.length > 0 ? ` ${vi ? 'Nguyên nhân' : 'Reasons'} (${reasons.join('; ')}).` : '';
      paragraphs.push(`- ${title(d.title)} (${vi ? 'hạn' : 'due'} ${formatDate(d.dueDate, lang)}, ${vi ? 'đơn vị chủ trì' : 'lead'}: ${ctx.name(d.lead)}): ${vi ? 'quá hạn, chưa ban hành' : 'overdue, not issued'}.${why}`);
    }
  }
  // Documents nobody reported on are many in a young round: counted per lead agency, not listed.
  const silent = new Map<string, number>();
  for (const d of table.documents.rows) if (d.status === 'notReported') silent.set(d.lead, (silent.get(d.lead) ?? 0) + 1);
  if (silent.size > 0) {
    const list = [...silent].map(([lead, n]) => `${ctx.name(lead)} (${n})`).join(', ');
    paragraphs.push(vi ? `Văn bản đã đến hạn nhưng đơn vị chủ trì chưa báo cáo: ${list}.` : `Documents due that their lead agency has not reported on: ${list}.`);
  }
  return { heading: vi ? 'III. BAN HÀNH VĂN BẢN' : 'III. DOCUMENTS', paragraphs };
}

export function projectSection(ctx: ReportContext): ReportSection {
  const { table, lang } = ctx;
  const vi = lang === 'vi';
  const projects = table.projects.rows.filter((p) => p.kind === 'project');
  const paragraphs: string[] = [];
  if (projects.length === 0) paragraphs.push(vi ? 'Kế hoạch không có dự án đầu tư.' : 'The plan has no investment projects.');
  else {
    const reported = projects.filter((p) => p.disbursed !== null);
    const planned = projects.reduce((sum, p) => sum + p.planned.total, 0);
    const disbursed = reported.reduce((sum, p) => sum + (p.disbursed ?? 0), 0);
    paragraphs.push(
      vi
        ? `Có ${projects.length} dự án với tổng vốn ${ctx.number(planned)} triệu đồng; ${reported.length} dự án đã báo cáo giải ngân, tổng cộng ${ctx.number(disbursed)} triệu đồng.`
        : `${projects.length} projects with total capital of ${ctx.number(planned)} million VND; ${reported.length} reported disbursement, ${ctx.number(disbursed)} million VND in all.`,
    );
    for (const p of reported) {
      const share = p.disbursedShare === null ? '' : vi ? ` (${ctx.number(p.disbursedShare, 1)}% tổng vốn)` : ` (${ctx.number(p.disbursedShare, 1)}% of the capital)`;
      paragraphs.push(`- ${p.title}: ${vi ? 'giải ngân' : 'disbursed'} ${ctx.number(p.disbursed ?? 0)} ${vi ? 'triệu đồng' : 'million VND'}${share}.`);
    }
  }
  return { heading: vi ? 'IV. CÁC DỰ ÁN ĐẦU TƯ' : 'IV. INVESTMENT PROJECTS', paragraphs };
}

const TASK_WORDS: Record<TaskTableStatus, { vi: string; en: string }> = {
  completed: { vi: 'đã hoàn thành', en: 'completed' },
  inProgress: { vi: 'đang thực hiện', en: 'in progress' },
  notStarted: { vi: 'chưa triển khai', en: 'not started' },
  notYetDue: { vi: 'chưa đến hạn', en: 'not yet due' },
  notReported: { vi: 'chưa có báo cáo', en: 'not reported' },
};

export function taskSection(ctx: ReportContext): ReportSection {
  const { table, lang } = ctx;
  const vi = lang === 'vi';
  const t = table.tasks;
  const counts = (Object.keys(TASK_WORDS) as TaskTableStatus[]).map((s) => `${t.counts[s]} ${TASK_WORDS[s][lang]}`).join('; ');
  const paragraphs = [
    vi ? `Kế hoạch giao ${t.rows.length} nhiệm vụ: ${counts}. Có ${t.overdue.length} nhiệm vụ quá hạn chưa hoàn thành.` : `The plan sets ${t.rows.length} tasks: ${counts}. ${t.overdue.length} are overdue and not completed.`,
  ];
  for (const o of t.overdue) {
    const account = o.account?.trim() ? o.account.trim().replace(/\.$/u, '') : vi ? 'đơn vị chưa báo cáo' : 'the agency has not reported';
    paragraphs.push(`- ${o.text} (${vi ? 'hạn' : 'due'} ${formatDate(o.dueDate, lang)}, ${ctx.name(o.lead)}, ${TASK_WORDS[o.status][lang]}): ${account}.`);
  }
  // Not due yet but not started: what the agency wrote of it reaches the leaders too.
  const notStarted = t.rows.filter((r) => !r.overdue && r.status === 'notStarted');
  if (notStarted.length > 0) paragraphs.push(vi ? 'Nhiệm vụ chưa đến hạn nhưng chưa triển khai:' : 'Not due yet, but not started:');
  for (const r of notStarted) {
    const account = r.account?.trim() ? r.account.trim().replace(/\.$/u, '') : vi ? 'đơn vị chưa nêu lý do' : 'no reason given';
    paragraphs.push(`- ${r.text} (${vi ? 'hạn' : 'due'} ${formatDate(r.dueDate, lang)}, ${ctx.name(r.lead)}): ${account}.`);
  }
  return { heading: vi ? 'V. CÁC NHIỆM VỤ' : 'V. TASKS', paragraphs };
}

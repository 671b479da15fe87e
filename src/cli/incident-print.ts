import type { Alert, Announcement, AuditEntry, Incident, Maintenance, PublicIncident } from '../incidents/index.ts';

/** Times arrive over JSON as ISO strings; the types say Date. Either prints the same. */
function when(t: Date | string | null | undefined): string {
  if (t === null || t === undefined) return '-';
  return typeof t === 'string' ? t : t.toISOString();
}

function firstTitle(text: Incident['text']): string {
  return Object.values(text)[0]?.title ?? '';
}

function components(list: { component: string; impact: string }[]): string {
  return list.map((c) => `${c.component}=${c.impact}`).join(',');
}

/** One line per incident: id, visibility, status, cause, components, markets, title. */
export function incidentLines(list: Incident[]): string[] {
  if (list.length === 0) return ['(no incidents)'];
  return list.map((i) =>
    [i.id, i.visibility.padEnd(9), i.status.padEnd(13), i.cause.padEnd(19), components(i.components), i.markets.length ? i.markets.join(',') : 'all-markets', JSON.stringify(firstTitle(i.text))].join('  '),
  );
}

/** An incident in full: its fields, texts per language and timeline. */
export function incidentDetail(i: Incident): string[] {
  const lines = [
    `${i.id}  ${i.visibility}  ${i.status}  cause ${i.cause}  source ${i.source}`,
    `components  ${components(i.components)}`,
    `markets     ${i.markets.length ? i.markets.join(', ') : 'all'}`,
    `created ${when(i.createdAt)}  published ${when(i.publishedAt)}  resolved ${when(i.resolvedAt)}  next update ${when(i.nextUpdateAt)}`,
  ];
  for (const [lang, t] of Object.entries(i.text)) {
    lines.push(`[${lang}] ${t.title}`, `     ${t.message}`);
    if (t.workaround) lines.push(`     workaround: ${t.workaround}`);
  }
  lines.push('timeline:');
  for (const u of i.updates) lines.push(`  ${when(u.at)}  ${u.status.padEnd(13)} by ${u.author}${u.text ? '  (new text)' : ''}`);
  return lines;
}

/** What the page will show and callers will hear, per language. */
export function previewLines(preview: { page: Record<string, PublicIncident>; spoken: Record<string, Announcement['pieces']> }): string[] {
  const lines = ['Preview (nothing saved)'];
  for (const [lang, p] of Object.entries(preview.page)) {
    lines.push('', `== ${lang} ==`, 'Status page:');
    lines.push(`  ${p.title}${p.fallback ? `   [shown in ${p.fallback}: no ${lang} text]` : ''}`);
    lines.push(`  status ${p.status} · cause ${p.cause}`);
    lines.push(`  ${p.components.map((c) => `${c.name}: ${c.impact}`).join(' · ')}`);
    if (p.markets.length > 0) lines.push(`  markets: ${p.markets.map((m) => m.name).join(', ')}`);
    lines.push(`  ${p.message}`);
    if (p.workaround) lines.push(`  ${p.workaround}`);
    if (p.nextUpdateAt) lines.push(`  next update ${when(p.nextUpdateAt)}`);
    lines.push('Callers hear:');
    (preview.spoken[lang] ?? []).forEach((piece, n) => lines.push(`  ${n + 1}. ${piece.text}${piece.language !== lang ? `   [in ${piece.language}]` : ''}`));
  }
  return lines;
}

export function maintenanceLines(list: Maintenance[]): string[] {
  if (list.length === 0) return ['(no maintenance windows)'];
  return list.map((m) => {
    const now = m.current ? `${m.current.state} ${when(m.current.startsAt)} → ${when(m.current.endsAt)}` : m.cancelledAt ? 'cancelled' : `over (${m.previous?.state ?? '-'})`;
    const repeat = m.recurrence ? `${m.recurrence.freq}${m.recurrence.byWeekday ? `:${m.recurrence.byWeekday.join(',')}` : ''}` : 'once';
    return [m.id, now, repeat, components(m.components), JSON.stringify(firstTitle(m.text))].join('  ');
  });
}

export function alertLines(list: Alert[]): string[] {
  if (list.length === 0) return ['(no alerts)'];
  return list.map((a) => `${a.id}  ${when(a.createdAt)}  ${a.kind}  ${a.acknowledgedAt ? 'acknowledged' : 'NEW'}  ${a.message}`);
}

export function auditLines(list: AuditEntry[]): string[] {
  return list.map((e) => `${when(e.at)}  ${e.author.padEnd(10)} ${e.action.padEnd(22)} ${e.subject}`);
}

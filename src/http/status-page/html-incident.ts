import type { ComponentStatus, PublicIncident } from '../../incidents/index.ts';
import { escapeMarkup as esc } from './escape.ts';
import { affected, badge, markets, publicText, time, type RenderContext } from './html-parts.ts';
import { isNotCyberattack } from './words.ts';

const SEVERITY: ComponentStatus[] = ['operational', 'under_maintenance', 'degraded', 'partial_outage', 'major_outage'];

/** The colour an incident's badge takes: its worst impact, or green once resolved. */
function incidentColour(incident: PublicIncident): ComponentStatus {
  if (incident.status === 'resolved') return 'operational';
  let worst: ComponentStatus = 'degraded';
  for (const c of incident.components) if (SEVERITY.indexOf(c.impact) > SEVERITY.indexOf(worst)) worst = c.impact;
  return worst;
}

/** The cause in words, and plainly "not a cyberattack" when it is a fault or planned work. */
function cause(incident: PublicIncident, ctx: RenderContext): string {
  const plain = isNotCyberattack(incident.cause) ? ` ${esc(ctx.words.notCyberattack)}` : '';
  return `<p class="cause"><strong>${esc(ctx.words.causeLabel)}:</strong> ${esc(ctx.words.cause[incident.cause])}.${plain}</p>`;
}

/** Newest first, as status pages are read. */
function timeline(incident: PublicIncident, ctx: RenderContext): string {
  const items = [...incident.timeline]
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .map((u) => `<li><strong>${esc(ctx.words.incident[u.status])}</strong> · ${time(u.at, ctx)}${u.message ? `<br><span class="message">${esc(u.message)}</span>` : ''}</li>`)
    .join('');
  return `<ol class="timeline">${items}</ol>`;
}

/**
 * One active incident: what, the workaround, the cause, who is affected,
 * when the next update comes, and every update so far.
 *
 * @example
 *   activeIncidentHtml(view.active[0], { language: 'es', words: wordsFor('es'), timeZone: 'Europe/Madrid' })
 */
export function activeIncidentHtml(incident: PublicIncident, ctx: RenderContext): string {
  const next = incident.nextUpdateAt ? `<p><strong>${esc(ctx.words.nextUpdateLabel)}:</strong> ${time(incident.nextUpdateAt, ctx)}</p>` : '';
  return [
    `<article class="card" id="incident-${esc(incident.id)}">`,
    `<h3>${esc(incident.title)}</h3>`,
    `<p class="meta">${badge(incidentColour(incident), ctx.words.incident[incident.status])} · ${time(incident.publishedAt, ctx)}</p>`,
    publicText(incident, ctx),
    cause(incident, ctx),
    affected(incident.components, ctx),
    markets(incident.markets, ctx),
    next,
    `<h4>${esc(ctx.words.timelineLabel)}</h4>`,
    timeline(incident, ctx),
    '</article>',
  ].join('');
}

/** A resolved incident in the history: when, how long, why; its updates folded away (details needs no script). */
export function pastIncidentHtml(incident: PublicIncident, ctx: RenderContext): string {
  const end = incident.resolvedAt ?? incident.publishedAt;
  const minutes = Math.max(0, (end.getTime() - incident.publishedAt.getTime()) / 60_000);
  return [
    `<article class="card" id="incident-${esc(incident.id)}">`,
    `<h3>${esc(incident.title)}</h3>`,
    `<p class="meta">${ctx.words.fromTo(time(incident.publishedAt, ctx), time(end, ctx))} · ${esc(ctx.words.duration(minutes))}</p>`,
    publicText(incident, ctx),
    cause(incident, ctx),
    affected(incident.components, ctx),
    markets(incident.markets, ctx),
    `<details><summary>${esc(ctx.words.timelineLabel)} (${incident.timeline.length})</summary>${timeline(incident, ctx)}</details>`,
    '</article>',
  ].join('');
}

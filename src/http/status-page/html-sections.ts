import type { ComponentStatus, PublicMaintenance, StatusView } from '../../incidents/index.ts';
import { escapeMarkup as esc } from './escape.ts';
import { activeIncidentHtml, pastIncidentHtml } from './html-incident.ts';
import { affected, badge, ICON, markets, publicText, time, type RenderContext } from './html-parts.ts';

// For the reader, planned work is less alarming than anything broken (the type's order puts it last).
const SEVERITY: ComponentStatus[] = ['operational', 'under_maintenance', 'degraded', 'partial_outage', 'major_outage'];

/** One sentence on top: the worst status of any component anywhere. */
export function bannerHtml(view: StatusView, ctx: RenderContext): string {
  let worst: ComponentStatus = 'operational';
  for (const row of view.grid) for (const c of row.components) if (SEVERITY.indexOf(c.status) > SEVERITY.indexOf(worst)) worst = c.status;
  return `<p class="banner s-${worst}" role="status"><span aria-hidden="true">${ICON[worst]}</span> ${esc(ctx.words.overall[worst])}</p>`;
}

/** Every component's status, for all markets first, then each market. */
export function gridHtml(view: StatusView, ctx: RenderContext): string {
  const rows = [...view.grid].sort((a, b) => (a.market === null ? -1 : 0) - (b.market === null ? -1 : 0));
  const sections = rows.map((row) => {
    const items = row.components.map((c) => `<li><span>${esc(c.name)}</span> ${badge(c.status, ctx.words.component[c.status])}</li>`).join('');
    return `<section><h3>${esc(row.marketName ?? ctx.words.allMarkets)}</h3><ul class="grid">${items}</ul></section>`;
  });
  return `<h2 id="grid">${esc(ctx.words.gridHeading)}</h2>${sections.join('')}`;
}

export function activeHtml(view: StatusView, ctx: RenderContext): string {
  const body = view.active.length === 0 ? `<p>${esc(ctx.words.noActive)}</p>` : view.active.map((i) => activeIncidentHtml(i, ctx)).join('');
  return `<h2 id="active">${esc(ctx.words.activeHeading)}</h2>${body}`;
}

function maintenanceCard(m: PublicMaintenance, ctx: RenderContext): string {
  return [
    `<article class="card" id="maintenance-${esc(m.id)}">`,
    `<h4>${esc(m.title)}</h4>`,
    `<p class="meta">${badge('under_maintenance', ctx.words.maintenanceState[m.state])} · ${ctx.words.fromTo(time(m.startsAt, ctx), time(m.endsAt, ctx))}</p>`,
    publicText(m, ctx),
    affected(m.components, ctx),
    markets(m.markets, ctx),
    '</article>',
  ].join('');
}

/** Running (or overrunning) windows first, then the announced ones, then those just finished. */
export function maintenanceHtml(view: StatusView, ctx: RenderContext): string {
  if (view.maintenance.length === 0) return '';
  const groups: [string, PublicMaintenance[]][] = [
    [ctx.words.maintenanceNow, view.maintenance.filter((m) => m.state === 'in_progress' || m.state === 'overrun')],
    [ctx.words.maintenanceNext, view.maintenance.filter((m) => m.state === 'scheduled')],
    [ctx.words.maintenanceDone, view.maintenance.filter((m) => m.state === 'completed' || m.state === 'cancelled')],
  ];
  const body = groups
    .filter(([, list]) => list.length > 0)
    .map(([heading, list]) => `<h3>${esc(heading)}</h3>${[...list].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()).map((m) => maintenanceCard(m, ctx)).join('')}`)
    .join('');
  return `<h2 id="maintenance">${esc(ctx.words.maintenanceHeading)}</h2>${body}`;
}

export function historyHtml(view: StatusView, ctx: RenderContext): string {
  const body = view.history.length === 0 ? `<p>${esc(ctx.words.noHistory)}</p>` : view.history.map((i) => pastIncidentHtml(i, ctx)).join('');
  return `<h2 id="history">${esc(ctx.words.historyHeading)}</h2>${body}`;
}

import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { Alert, AuditEntry, Incident, Maintenance } from '../incidents/index.ts';
import type { Command } from './command.ts';
import { defined, extractTextFlags, mergeText, parseComponents, parseWeekdays, parseWhen, readBodyFile, UsageError, type TextFlags } from './incident-args.ts';
import { IncidentsClient, Refused } from './incident-client.ts';
import { alertLines, auditLines, incidentDetail, incidentLines, maintenanceLines, previewLines } from './incident-print.ts';
import type { CliIo } from './io.ts';

const USAGE = `usage: clave incident <command> [options]

Incidents and maintenance windows through the operations API (/api).

  list [--visibility draft|published] [--active | --resolved]
  show ID
  create --status S --cause C --component ID=IMPACT... [--market M...] TEXT
         [--next-update WHEN] [--draft] [--preview]      (or --file incident.json)
  update ID --status S [TEXT] [--component ID=IMPACT...] [--next-update WHEN]
  resolve ID [TEXT]
  publish ID
  maintenance schedule --component ID=IMPACT... [--market M...] --starts WHEN --ends WHEN
         [--daily | --weekly mo,th] [--until WHEN] [--announce-before MINUTES] TEXT   (or --file)
  maintenance complete ID | cancel ID | list
  alerts [ack ID]
  audit [--limit N]

  TEXT          --es-title T --es-message M [--es-workaround W] --en-title … (any language code)
  --status      investigating | identified | monitoring | resolved
  --cause       technical_fault | planned_maintenance | third_party | cyberattack | under_investigation
  IMPACT        degraded | partial_outage | major_outage | under_maintenance
  WHEN          ISO 8601 with offset (2026-03-02T14:30:00+01:00) or +30m, +2h, +1d from now
  --draft       save without publishing          --preview   print what the page will show and
  --file F      JSON body as the API takes it                  callers will hear; save nothing
  --server URL  the Clave server (default http://127.0.0.1:8080)
  --token T     admin token (default: environment variable CLAVE_ADMIN_TOKEN)
  --json        print the API's JSON answer

Exit status: 0 done, 1 refused by the server (or unreachable), 2 bad usage.
`;

const COMMON = {
  server: { type: 'string', default: 'http://127.0.0.1:8080' },
  token: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsOptionsConfig;

const BODY = {
  status: { type: 'string' },
  cause: { type: 'string' },
  component: { type: 'string', multiple: true },
  market: { type: 'string', multiple: true },
  file: { type: 'string' },
  'next-update': { type: 'string' },
  draft: { type: 'boolean', default: false },
  preview: { type: 'boolean', default: false },
  visibility: { type: 'string' },
  active: { type: 'boolean', default: false },
  resolved: { type: 'boolean', default: false },
  starts: { type: 'string' },
  ends: { type: 'string' },
  daily: { type: 'boolean', default: false },
  weekly: { type: 'string' },
  until: { type: 'string' },
  'announce-before': { type: 'string' },
  limit: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

type Values = ReturnType<typeof parseArgs<{ options: typeof COMMON & typeof BODY; allowPositionals: true; strict: true }>>['values'];

interface Ctx {
  api: IncidentsClient;
  values: Values;
  text: TextFlags;
  positionals: string[];
  print(lines: string[] | string): void;
  result(json: unknown, lines: string[] | string): void;
  now: number;
}

function id(ctx: Ctx, what: string): string {
  const [value, extra] = ctx.positionals;
  if (value === undefined || extra !== undefined) throw new UsageError(`${what} takes exactly one ID`);
  return encodeURIComponent(value);
}

async function incidentBody(ctx: Ctx, needs: 'create' | 'update' | 'resolve'): Promise<Record<string, unknown>> {
  const v = ctx.values;
  const file = await readBodyFile(v.file);
  if (v.file === undefined && needs === 'create' && (v.status === undefined || v.cause === undefined || v.component === undefined)) {
    throw new UsageError('create needs --status, --cause and --component (or --file)');
  }
  if (v.file === undefined && needs === 'update' && v.status === undefined) throw new UsageError('update needs --status (or --file)');
  return {
    ...file,
    ...defined({
      status: needs === 'resolve' ? 'resolved' : v.status,
      cause: needs === 'create' ? v.cause : undefined,
      components: parseComponents(v.component),
      markets: needs === 'create' ? v.market : undefined,
      text: mergeText(file['text'], ctx.text),
      nextUpdateAt: parseWhen('--next-update', v['next-update'], ctx.now),
      publish: needs === 'create' && v.draft ? false : undefined,
    }),
  };
}

async function maintenanceBody(ctx: Ctx): Promise<Record<string, unknown>> {
  const v = ctx.values;
  const file = await readBodyFile(v.file);
  if (v.file === undefined && (v.component === undefined || v.starts === undefined || v.ends === undefined)) {
    throw new UsageError('maintenance schedule needs --component, --starts and --ends (or --file)');
  }
  if (v.daily && v.weekly !== undefined) throw new UsageError('--daily or --weekly, not both');
  const until = parseWhen('--until', v.until, ctx.now);
  const freq = v.daily ? 'daily' : v.weekly !== undefined ? 'weekly' : undefined;
  if (until !== undefined && freq === undefined) throw new UsageError('--until needs --daily or --weekly');
  const minutes = v['announce-before'];
  if (minutes !== undefined && !/^\d+$/.test(minutes)) throw new UsageError(`--announce-before takes whole minutes, not "${minutes}"`);
  return {
    ...file,
    ...defined({
      components: parseComponents(v.component),
      markets: v.market,
      text: mergeText(file['text'], ctx.text),
      startsAt: parseWhen('--starts', v.starts, ctx.now),
      endsAt: parseWhen('--ends', v.ends, ctx.now),
      recurrence: freq ? defined({ freq, byWeekday: v.weekly !== undefined ? parseWeekdays(v.weekly) : undefined, until }) : undefined,
      announceBeforeMinutes: minutes === undefined ? undefined : Number(minutes),
    }),
  };
}

const HANDLERS: Record<string, (ctx: Ctx) => Promise<void>> = {
  async list(ctx) {
    const v = ctx.values;
    if (v.active && v.resolved) throw new UsageError('--active or --resolved, not both');
    if (v.visibility !== undefined && v.visibility !== 'draft' && v.visibility !== 'published') throw new UsageError('--visibility is draft or published');
    const q = new URLSearchParams(defined({ visibility: v.visibility, active: v.active ? 'true' : v.resolved ? 'false' : undefined }) as Record<string, string>);
    const list = await ctx.api.call<Incident[]>('GET', `/incidents${q.size ? `?${q.toString()}` : ''}`);
    ctx.result(list, incidentLines(list));
  },
  async show(ctx) {
    const incident = await ctx.api.call<Incident>('GET', `/incidents/${id(ctx, 'show')}`);
    ctx.result(incident, incidentDetail(incident));
  },
  async create(ctx) {
    if (ctx.positionals.length > 0) throw new UsageError(`create takes no ID (got "${ctx.positionals[0]}")`);
    const body = await incidentBody(ctx, 'create');
    if (ctx.values.preview) {
      const preview = await ctx.api.call<Parameters<typeof previewLines>[0]>('POST', '/incidents/preview', body);
      ctx.result(preview, previewLines(preview));
      return;
    }
    const created = await ctx.api.call<{ id: string }>('POST', '/incidents', body);
    ctx.result(created, `Created incident ${created.id} (${body['publish'] === false ? 'draft: publish it with "clave incident publish ' + created.id + '"' : 'published'})`);
  },
  async update(ctx) {
    const incident = await ctx.api.call<Incident>('POST', `/incidents/${id(ctx, 'update')}/updates`, await incidentBody(ctx, 'update'));
    ctx.result(incident, `Updated incident ${incident.id}: ${incident.status}`);
  },
  async resolve(ctx) {
    const incident = await ctx.api.call<Incident>('POST', `/incidents/${id(ctx, 'resolve')}/updates`, await incidentBody(ctx, 'resolve'));
    ctx.result(incident, `Resolved incident ${incident.id}`);
  },
  async publish(ctx) {
    const incident = await ctx.api.call<Incident>('POST', `/incidents/${id(ctx, 'publish')}/publish`);
    ctx.result(incident, `Published incident ${incident.id}`);
  },
  async maintenance(ctx) {
    const [action, ...rest] = ctx.positionals;
    const sub = { ...ctx, positionals: rest };
    if (action === 'list') {
      const list = await ctx.api.call<Maintenance[]>('GET', '/maintenance');
      ctx.result(list, maintenanceLines(list));
    } else if (action === 'schedule') {
      const created = await ctx.api.call<{ id: string }>('POST', '/maintenance', await maintenanceBody(ctx));
      ctx.result(created, `Scheduled maintenance ${created.id}`);
    } else if (action === 'complete' || action === 'cancel') {
      const m = await ctx.api.call<Maintenance>('POST', `/maintenance/${id(sub, `maintenance ${action}`)}/${action}`);
      ctx.result(m, `${action === 'complete' ? 'Completed' : 'Cancelled'} maintenance ${m.id}`);
    } else {
      throw new UsageError('maintenance takes schedule, complete ID, cancel ID or list');
    }
  },
  async alerts(ctx) {
    const [action, ...rest] = ctx.positionals;
    if (action === undefined) {
      const list = await ctx.api.call<Alert[]>('GET', '/alerts');
      ctx.result(list, alertLines(list));
    } else if (action === 'ack') {
      const alert = await ctx.api.call<Alert>('POST', `/alerts/${id({ ...ctx, positionals: rest }, 'alerts ack')}/acknowledge`);
      ctx.result(alert, `Acknowledged alert ${alert.id}`);
    } else {
      throw new UsageError('alerts takes no argument, or ack ID');
    }
  },
  async audit(ctx) {
    const limit = ctx.values.limit;
    if (limit !== undefined && !/^\d+$/.test(limit)) throw new UsageError('--limit takes a number');
    const list = await ctx.api.call<AuditEntry[]>('GET', `/audit${limit ? `?limit=${limit}` : ''}`);
    ctx.result(list, auditLines(list));
  },
};

/**
 * `clave incident …`: the operations API from a terminal.
 *
 * @example
 *   await runIncidentCommand(['create', '--status', 'investigating', '--cause', 'technical_fault', '--component', 'ebanking=major_outage',
 *     '--es-title', 'Banca online caída', '--es-message', '…', '--en-title', 'Online banking down', '--en-message', '…', '--preview'], processIo()); // 0
 */
export async function runIncidentCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const usageError = (message: string): number => {
    io.stderr.write(`clave incident: ${message}\n\n${USAGE}`);
    return 2;
  };
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io[name === undefined ? 'stderr' : 'stdout'].write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const handler = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
  if (!handler) return usageError(`unknown command "${name}"`);
  try {
    const { text, rest: remaining } = extractTextFlags(rest);
    let parsed;
    try {
      parsed = parseArgs({ args: remaining, options: { ...COMMON, ...BODY }, strict: true, allowPositionals: true });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const token = values.token ?? env['CLAVE_ADMIN_TOKEN'];
    if (!token) throw new UsageError('no admin token: give --token or set CLAVE_ADMIN_TOKEN');
    const print = (lines: string[] | string) => io.stdout.write(`${(Array.isArray(lines) ? lines : [lines]).join('\n')}\n`);
    await handler({
      api: new IncidentsClient(values.server, token),
      values,
      text,
      positionals,
      print,
      result: (json, lines) => (values.json ? io.stdout.write(`${JSON.stringify(json, null, 2)}\n`) : print(lines)),
      now: Date.now(),
    });
    return 0;
  } catch (err) {
    if (err instanceof UsageError) return usageError(err.message);
    if (err instanceof Refused) {
      io.stderr.write(`clave incident: refused${err.status ? ` (${err.status}${err.code ? ` ${err.code}` : ''})` : ''}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

export const incidentCommand: Command = { summary: 'create, update and resolve incidents; schedule maintenance (operations API)', run: (args, io) => runIncidentCommand(args, io) };

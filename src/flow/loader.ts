import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ClaveError } from '../shared/index.ts';
import { knownFilter, placeholders, promptId } from './prompts.ts';
import { Catalog, FlowDefinition, RoutesDefinition, type PromptRef } from './schema.ts';
import type { FlowBundle } from './types.ts';

export const DEFAULT_FLOWS_DIR = fileURLToPath(new URL('./defaults/', import.meta.url));

/**
 * Loads and checks a flows directory: `routes.yaml` (dialed numbers → flows),
 * one `*.flow.yaml` per flow and `catalogs/<language>.yaml` per language.
 * Anything wrong is refused here, at start, with the file, the path inside
 * it and the reason — never when a caller reaches the bad node.
 */
export async function loadFlows(dir: string = DEFAULT_FLOWS_DIR): Promise<FlowBundle> {
  const routes = await readYaml(join(dir, 'routes.yaml'), RoutesDefinition);
  const flows = new Map<string, FlowDefinition>();
  const flowFiles = new Map<string, string>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.flow.yaml')).sort()) {
    const path = join(dir, file);
    const flow = await readYaml(path, FlowDefinition);
    if (flows.has(flow.id)) fail(path, 'id', `flow id ${flow.id} is also used by ${flowFiles.get(flow.id)}`);
    flows.set(flow.id, flow);
    flowFiles.set(flow.id, path);
  }
  const catalogs = new Map<string, Record<string, string>>();
  const catalogDir = join(dir, 'catalogs');
  for (const file of (await readdir(catalogDir)).filter((f) => f.endsWith('.yaml')).sort()) {
    catalogs.set(basename(file, '.yaml'), await readYaml(join(catalogDir, file), Catalog));
  }
  const bundle: FlowBundle = {
    flows,
    catalogs,
    numbers: new Map(Object.entries(routes.numbers)),
    defaultLanguage: routes.defaultLanguage,
  };
  checkBundle(bundle, { routes: join(dir, 'routes.yaml'), flows: flowFiles, catalogDir });
  return bundle;
}

async function readYaml<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ClaveError('INVALID_FLOW', `${path}: cannot read: ${(err as Error).message}`, { file: path });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ClaveError('INVALID_FLOW', `${path}: not valid YAML: ${(err as Error).message}`, { file: path });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(path, issue?.path.join('.') || '(root)', issue?.message ?? 'invalid');
  }
  return parsed.data;
}

function fail(file: string, path: string, reason: string): never {
  throw new ClaveError('INVALID_FLOW', `${file}: ${path}: ${reason}`, { file, path, reason });
}

/** Cross-checks what a schema cannot see: references between nodes, flows, prompts and languages. */
export function checkBundle(bundle: FlowBundle, files: { routes: string; flows: ReadonlyMap<string, string>; catalogDir: string }): void {
  const languages = [...bundle.catalogs.keys()];
  if (!bundle.catalogs.has(bundle.defaultLanguage)) fail(files.routes, 'defaultLanguage', `no catalog ${bundle.defaultLanguage}.yaml`);
  // Every catalog says every prompt: adding a language is adding a complete catalog.
  const reference = bundle.catalogs.get(bundle.defaultLanguage) ?? {};
  for (const [lang, catalog] of bundle.catalogs) {
    for (const id of Object.keys(reference)) {
      if (!(id in catalog)) fail(join(files.catalogDir, `${lang}.yaml`), id, `missing (present in ${bundle.defaultLanguage}.yaml)`);
      const want = placeholders(reference[id] ?? '').sort().join(',');
      const got = placeholders(catalog[id] ?? '').sort().join(',');
      if (want !== got) fail(join(files.catalogDir, `${lang}.yaml`), id, `placeholders {${got}} differ from ${bundle.defaultLanguage}.yaml {${want}}`);
    }
    for (const id of Object.keys(catalog)) {
      if (!(id in reference)) fail(join(files.catalogDir, `${lang}.yaml`), id, `not in ${bundle.defaultLanguage}.yaml`);
    }
  }
  for (const [number, flowId] of bundle.numbers) {
    if (!bundle.flows.has(flowId)) fail(files.routes, `numbers.${number}`, `unknown flow ${flowId}`);
  }
  for (const [flowId, flow] of bundle.flows) {
    const file = files.flows.get(flowId) ?? flowId;
    const has = (id: string) => id in flow.nodes;
    const ref = (path: string, id: string | undefined) => {
      if (id !== undefined && !has(id)) fail(file, path, `no node named ${id}`);
    };
    ref('start', flow.start);
    ref('defaults.onMaxTries', flow.defaults.onMaxTries);
    ref('defaults.agentNode', flow.defaults.agentNode);
    if (!languages.includes(flow.language)) fail(file, 'language', `no catalog for ${flow.language}`);
    const prompts = (path: string, refs: readonly PromptRef[] | undefined) => {
      refs?.forEach((r, i) => checkPrompt(bundle, file, `${path}.${i}`, r));
    };
    prompts('defaults.invalidPrompt', [flow.defaults.invalidPrompt]);
    prompts('defaults.noInputPrompt', [flow.defaults.noInputPrompt]);
    for (const [id, node] of Object.entries(flow.nodes)) {
      const at = `nodes.${id}`;
      switch (node.kind) {
        case 'menu':
          for (const [key, option] of Object.entries(node.options)) {
            ref(`${at}.options.${key}.next`, option.next);
            const lang = option.set?.['language'];
            if (lang !== undefined && !languages.includes(lang)) fail(file, `${at}.options.${key}.set.language`, `no catalog for ${lang}`);
          }
          break;
        case 'collect':
        case 'play':
        case 'identify':
        case 'verify':
          ref(`${at}.next`, node.next);
          break;
        case 'switch':
          for (const [value, target] of Object.entries(node.cases)) ref(`${at}.cases.${value}`, target);
          ref(`${at}.default`, node.default);
          break;
        case 'action':
          for (const [outcome, target] of Object.entries(node.on)) ref(`${at}.on.${outcome}`, target);
          ref(`${at}.default`, node.default);
          break;
        case 'goto_flow':
          if (!bundle.flows.has(node.flow)) fail(file, `${at}.flow`, `unknown flow ${node.flow}`);
          break;
        case 'hangup':
          // The outcome applies when no earlier node set one; that cannot be proven statically, so it is required.
          if (!node.outcome) fail(file, `${at}.outcome`, 'a hangup node must name its outcome (it applies when no earlier node set one)');
          break;
        case 'transfer':
          break;
      }
      if ('on' in node && node.kind !== 'action') for (const [k, target] of Object.entries(node.on)) ref(`${at}.on.${k}`, target);
      if (node.kind === 'menu' || node.kind === 'collect') {
        ref(`${at}.onMaxTries`, node.onMaxTries);
        prompts(`${at}.invalidPrompt`, node.invalidPrompt);
        prompts(`${at}.noInputPrompt`, node.noInputPrompt);
      }
      if ('prompt' in node) prompts(`${at}.prompt`, node.prompt);
    }
  }
}

function checkPrompt(bundle: FlowBundle, file: string, path: string, ref: PromptRef): void {
  const id = promptId(ref);
  const params = typeof ref === 'string' ? {} : (ref.params ?? {});
  for (const [lang, catalog] of bundle.catalogs) {
    const text = catalog[id];
    if (text === undefined) fail(file, path, `prompt ${id} is not in catalog ${lang}`);
    for (const name of placeholders(text)) {
      if (!(name in params)) fail(file, path, `prompt ${id} needs parameter {${name}}`);
    }
  }
  for (const [name, spec] of Object.entries(params)) {
    const filter = spec.startsWith('$') ? spec.split('|')[1] : undefined;
    if (filter !== undefined && !knownFilter(filter)) fail(file, `${path}.params.${name}`, `unknown filter ${filter}`);
  }
}

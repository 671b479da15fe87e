import { z } from 'zod';
import { ActionNode } from './nodes/action.ts';
import { AnnounceNode } from './nodes/announce.ts';
import { ReportNode } from './nodes/report.ts';
import { CollectNode } from './nodes/collect.ts';
import { NodeId, type PromptRef } from './nodes/common.ts';
import { GotoFlowNode } from './nodes/goto-flow.ts';
import { HangupNode } from './nodes/hangup.ts';
import { IdentifyNode } from './nodes/identify.ts';
import { MenuNode } from './nodes/menu.ts';
import { PlayNode } from './nodes/play.ts';
import { SwitchNode } from './nodes/switch.ts';
import { TransferNode } from './nodes/transfer.ts';
import { VerifyNode } from './nodes/verify.ts';

export const NodeDefinition = z.discriminatedUnion('kind', [
  MenuNode,
  CollectNode,
  PlayNode,
  IdentifyNode,
  VerifyNode,
  ActionNode,
  SwitchNode,
  TransferNode,
  HangupNode,
  GotoFlowNode,
  AnnounceNode,
  ReportNode,
]);
export type NodeDefinition = z.infer<typeof NodeDefinition>;
export type PromptRef = z.infer<typeof PromptRef>;

export const FlowDefaults = z
  .object({
    noInputMs: z.number().int().min(500).max(60_000).default(5000),
    interDigitMs: z.number().int().min(500).max(30_000).default(3000),
    tries: z.number().int().min(1).max(10).default(3),
    /** Where a listening node goes after its last try. */
    onMaxTries: NodeId,
    /** Key that asks for an agent from any menu, and the node it leads to. */
    agentKey: z.string().regex(/^[0-9*#]$/).optional(),
    agentNode: NodeId.optional(),
    /** Key that repeats the current menu or input prompt. */
    repeatKey: z.string().regex(/^[0-9*#]$/).default('*'),
    invalidPrompt: z.string().default('invalid_option'),
    noInputPrompt: z.string().default('no_input'),
  })
  .strict()
  .refine((d) => (d.agentKey === undefined) === (d.agentNode === undefined), {
    message: 'agentKey and agentNode go together',
    path: ['agentNode'],
  });

export const FlowDefinition = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'flow ids are lower-kebab-case'),
    description: z.string().optional(),
    /** Language the call starts in, before the caller picks one. */
    language: z.string().min(2).max(8).default('es'),
    start: NodeId,
    defaults: FlowDefaults,
    nodes: z.record(NodeId, NodeDefinition),
  })
  .strict();
export type FlowDefinition = z.infer<typeof FlowDefinition>;

export const RoutesDefinition = z
  .object({
    defaultLanguage: z.string().min(2).max(8).default('es'),
    /** Dialed number (digits only) → flow id. */
    numbers: z.record(z.string().regex(/^[0-9]{3,15}$/, 'dialed numbers are 3 to 15 digits'), z.string()),
  })
  .strict();
export type RoutesDefinition = z.infer<typeof RoutesDefinition>;

export const Catalog = z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.string().min(1));

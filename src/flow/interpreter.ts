import { Sensitive } from '../shared/index.ts';
import type { CollectNode } from './nodes/collect.ts';
import type { MenuNode } from './nodes/menu.ts';
import { isSuccess } from './outcomes.ts';
import { renderPrompts } from './prompts.ts';
import type { FlowDefinition, NodeDefinition, PromptRef } from './schema.ts';
import type { Effect, FlowBundle, FlowEvent, InputState, PendingKind, Snapshot, StepResult } from './types.ts';

/**
 * What a call the line places already knows when its flow starts (the
 * call-back: the customer verified on the call that asked for it, the
 * language chosen there, the operation's reference).
 */
export interface CallPreset {
  customerId?: string;
  language?: string;
  vars?: Record<string, string>;
}

/**
 * The flow interpreter: a pure step function. Given the flows, a call's
 * snapshot and one event, it returns the next snapshot and the effects to
 * carry out (play, listen, timers, bank work, transfer, end). It reads no
 * clock, does no I/O and draws no random numbers, so a whole call can be
 * replayed from its events.
 *
 * @example
 *   let { snapshot, effects } = startCall(bundle, { flowId: 'unlock-line', callerId: '+34600111222', dialed: '950183313' });
 *   ({ snapshot, effects } = step(bundle, snapshot, { type: 'digit', key: '1' }));
 */
export function startCall(bundle: FlowBundle, init: { flowId: string; callerId: string; dialed: string; preset?: CallPreset }): StepResult {
  const flow = bundle.flows.get(init.flowId);
  if (!flow) throw new Error(`unknown flow ${init.flowId}`);
  const language = init.preset?.language ?? flow.language;
  const snapshot: Snapshot = {
    flowId: flow.id,
    nodeId: flow.start,
    language,
    callerId: init.callerId,
    dialed: init.dialed,
    vars: { ...init.preset?.vars, ...(init.preset?.language ? { language } : {}) },
    secrets: {},
    customerId: init.preset?.customerId ?? null,
    typeahead: '',
    input: freshInput(),
    pending: null,
    verifyFailures: 0,
    outcome: null,
    hungUp: false,
    ended: false,
    path: [],
    seq: 0,
  };
  return step(bundle, snapshot, { type: 'start' });
}

export function step(bundle: FlowBundle, snapshot: Snapshot, event: FlowEvent): StepResult {
  const m = new Machine(bundle, snapshot);
  if (snapshot.ended) return { snapshot, effects: [] };
  m.handle(event);
  return { snapshot: m.s, effects: m.fx };
}

const MAX_MOVES_PER_STEP = 200;
const MAX_TYPEAHEAD = 64;

function freshInput(tries = 0): InputState {
  return { buffer: '', playId: null, timerId: null, timerKind: null, tries };
}

class Machine {
  readonly b: FlowBundle;
  readonly s: Snapshot;
  readonly fx: Effect[] = [];
  #moves = 0;

  constructor(bundle: FlowBundle, snapshot: Snapshot) {
    this.b = bundle;
    this.s = {
      ...snapshot,
      vars: { ...snapshot.vars },
      secrets: { ...snapshot.secrets },
      input: { ...snapshot.input },
      path: [...snapshot.path],
    };
  }

  get flow(): FlowDefinition {
    const flow = this.b.flows.get(this.s.flowId);
    if (!flow) throw new Error(`unknown flow ${this.s.flowId}`);
    return flow;
  }

  get node(): NodeDefinition {
    const node = this.flow.nodes[this.s.nodeId];
    if (!node) throw new Error(`flow ${this.s.flowId} has no node ${this.s.nodeId}`);
    return node;
  }

  nextId(): number {
    return ++this.s.seq;
  }

  handle(event: FlowEvent): void {
    switch (event.type) {
      case 'start':
        this.enter();
        return;
      case 'digit':
        this.onKey(event.key);
        return;
      case 'promptEnded':
        this.onPromptEnded(event.playId);
        return;
      case 'timer':
        this.onTimer(event.timerId);
        return;
      case 'hangup':
        this.onHangup();
        return;
      case 'identified':
      case 'verified':
      case 'serviceDone':
      case 'transferred':
      case 'announced':
        this.onResult(event);
        return;
    }
  }

  // ── moving between nodes ────────────────────────────────────────────────

  goto(nodeId: string): void {
    if (++this.#moves > MAX_MOVES_PER_STEP) throw new Error(`flow ${this.s.flowId} loops without waiting at ${nodeId}`);
    this.quietInput();
    this.s.input = freshInput();
    this.s.nodeId = nodeId;
    this.enter();
  }

  enter(): void {
    const node = this.node;
    this.s.path.push(`${this.s.flowId}:${this.s.nodeId}`);
    if (node.outcome && !this.s.outcome) this.s.outcome = node.outcome;
    switch (node.kind) {
      case 'menu':
      case 'collect':
        this.listen([]);
        return;
      case 'play':
        this.play(node.prompt, node.bargeIn ?? false);
        return;
      case 'transfer':
        if (node.prompt) this.play(node.prompt, false);
        else this.request('transfer');
        return;
      case 'hangup':
        if (node.prompt) this.play(node.prompt, false);
        else this.end('line');
        return;
      case 'report': {
        const component = this.s.vars[node.component];
        if (component) this.fx.push({ type: 'report', component, dialed: this.s.dialed, callerId: this.s.callerId });
        this.goto(node.next);
        return;
      }
      case 'announce': {
        const requestId = this.request('announce');
        this.fx.push({ type: 'announce', requestId, language: this.s.language, dialed: this.s.dialed, callerId: this.s.callerId });
        return;
      }
      case 'identify': {
        const type = this.s.vars[node.documentType];
        const digits = this.s.vars[node.digits] ?? '';
        if (type !== 'DNI' && type !== 'NIE') throw new Error(`identify needs ${node.documentType} to be DNI or NIE`);
        const requestId = this.request('identify');
        const niePrefix = this.s.vars[node.niePrefix];
        this.fx.push({
          type: 'identify',
          requestId,
          document: type === 'NIE' && niePrefix !== undefined ? { type, digits, niePrefix } : { type, digits },
        });
        return;
      }
      case 'verify': {
        const pin = this.s.secrets[node.pin];
        const card = this.s.vars[node.card];
        if (!pin || card === undefined || !this.s.customerId) throw new Error('verify needs an identified customer, a card and a PIN');
        // The PIN leaves the snapshot here: the effect runner turns it into a PIN block.
        delete this.s.secrets[node.pin];
        const requestId = this.request('verify');
        this.fx.push({ type: 'verify', requestId, customerId: this.s.customerId, cardLast4: card, pin });
        return;
      }
      case 'action': {
        const service = node.service.startsWith('$') ? this.s.vars[node.service.slice(1)] : node.service;
        if (!this.s.customerId || !service) throw new Error('action needs a verified customer and a service');
        const requestId = this.request('service');
        const reference = node.reference ? this.s.vars[node.reference] : undefined;
        this.fx.push({
          type: 'service',
          requestId,
          service: service as Extract<Effect, { type: 'service' }>['service'],
          customerId: this.s.customerId,
          language: this.s.language,
          ...(reference !== undefined ? { reference } : {}),
        });
        return;
      }
      case 'switch':
        this.goto(node.cases[this.s.vars[node.var] ?? ''] ?? node.default);
        return;
      case 'goto_flow': {
        const target = this.b.flows.get(node.flow);
        if (!target) throw new Error(`unknown flow ${node.flow}`);
        this.s.flowId = target.id;
        this.goto(target.start);
        return;
      }
    }
  }

  request(kind: PendingKind): number {
    const requestId = this.nextId();
    this.s.pending = { requestId, kind };
    if (kind === 'transfer') {
      const node = this.node;
      this.fx.push({ type: 'transfer', requestId, target: node.kind === 'transfer' ? node.target : 'agent' });
    }
    return requestId;
  }

  end(by: 'line' | 'caller'): void {
    this.quietInput();
    if (!this.s.outcome) {
      if (by === 'caller') this.s.outcome = 'caller_hung_up';
      else throw new Error(`node ${this.s.nodeId} ends the call with no outcome set`);
    }
    this.s.ended = true;
    this.s.secrets = {};
    this.fx.push({ type: 'end', outcome: this.s.outcome, by });
  }

  // ── prompts and listening ───────────────────────────────────────────────

  play(refs: readonly PromptRef[], bargeIn: boolean): void {
    const playId = this.nextId();
    this.s.input.playId = playId;
    this.fx.push({ type: 'play', playId, prompts: renderPrompts(this.b, this.s.language, refs, this.s), bargeIn, language: this.s.language });
  }

  /** Stops what the current node has sounding or ticking. */
  quietInput(): void {
    const input = this.s.input;
    if (input.playId !== null) this.fx.push({ type: 'stopPlay', playId: input.playId });
    if (input.timerId !== null) this.fx.push({ type: 'cancelTimer', timerId: input.timerId });
    input.playId = null;
    input.timerId = null;
    input.timerKind = null;
  }

  startTimer(kind: 'noInput' | 'interDigit'): void {
    const input = this.s.input;
    if (input.timerId !== null) this.fx.push({ type: 'cancelTimer', timerId: input.timerId });
    const node = this.node as MenuNode | CollectNode;
    const d = this.flow.defaults;
    const ms = kind === 'noInput' ? (node.noInputMs ?? d.noInputMs) : ((node.kind === 'collect' ? node.interDigitMs : undefined) ?? d.interDigitMs);
    input.timerId = this.nextId();
    input.timerKind = kind;
    this.fx.push({ type: 'startTimer', timerId: input.timerId, ms });
  }

  listenInfo(): void {
    const node = this.node;
    if (node.kind !== 'menu' && node.kind !== 'collect') return;
    const maxDigits = node.kind === 'menu' ? 1 : node.maxLength - this.s.input.buffer.length;
    this.fx.push({ type: 'listen', node: this.s.nodeId, kind: node.kind, maxDigits, secret: node.kind === 'collect' && (node.secret ?? false) });
  }

  /** Starts (or restarts) listening at a menu or collect node, after an optional preface. */
  listen(preface: readonly PromptRef[]): void {
    const node = this.node as MenuNode | CollectNode;
    this.quietInput();
    this.s.input.buffer = '';
    if (this.s.typeahead.length > 0 && preface.length === 0) {
      // The caller typed ahead: the prompt is not needed.
      this.listenInfo();
      this.drainTypeahead();
      return;
    }
    this.s.typeahead = '';
    this.play([...preface, ...node.prompt], node.bargeIn ?? true);
    this.listenInfo();
  }

  drainTypeahead(): void {
    const nodeBefore = `${this.s.flowId}:${this.s.nodeId}`;
    while (this.s.typeahead.length > 0 && !this.s.ended && this.s.pending === null && this.isListening()) {
      const key = this.s.typeahead[0] ?? '';
      this.s.typeahead = this.s.typeahead.slice(1);
      this.keyAtListeningNode(key);
    }
    // Keys drained into a partial input: wait for the rest as after any digit.
    if (`${this.s.flowId}:${this.s.nodeId}` === nodeBefore && this.isListening() && this.s.input.timerId === null && this.s.input.playId === null && !this.s.ended) {
      this.startTimer(this.s.input.buffer.length > 0 ? 'interDigit' : 'noInput');
    }
  }

  isListening(): boolean {
    const kind = this.node.kind;
    return (kind === 'menu' || kind === 'collect') && this.s.pending === null;
  }

  retry(why: 'invalid' | 'noInput'): void {
    const node = this.node as MenuNode | CollectNode;
    const d = this.flow.defaults;
    this.s.input.tries += 1;
    this.s.typeahead = '';
    if (this.s.input.tries >= (node.tries ?? d.tries)) {
      this.goto(node.onMaxTries ?? d.onMaxTries);
      return;
    }
    const preface = why === 'invalid' ? (node.invalidPrompt ?? [d.invalidPrompt]) : (node.noInputPrompt ?? [d.noInputPrompt]);
    this.listen(preface);
  }

  // ── events ──────────────────────────────────────────────────────────────

  onKey(key: string): void {
    if (!/^[0-9*#A-D]$/.test(key)) return;
    const input = this.s.input;
    if (!this.isListening()) {
      const node = this.node;
      if (this.s.typeahead.length < MAX_TYPEAHEAD) this.s.typeahead += key;
      // Spec: "a key pressed during a prompt stops the prompt and counts". A key during the announcement skips it and
      // is the caller's answer to the menu that follows, so a caller typing the whole sequence ahead is never thrown
      // off by an announcement that happened to be playing (nor by one that had not started yet: same rule).
      if (node.kind === 'announce' && input.playId !== null) {
        this.fx.push({ type: 'stopPlay', playId: input.playId });
        input.playId = null;
        this.goto(node.next);
        return;
      }
      // A key during an interruptible play node ends it; the key waits for the next input.
      if (node.kind === 'play' && node.bargeIn && input.playId !== null) {
        this.fx.push({ type: 'stopPlay', playId: input.playId });
        input.playId = null;
        this.afterPlay();
      }
      return;
    }
    const node = this.node as MenuNode | CollectNode;
    if (input.playId !== null) {
      if (!(node.bargeIn ?? true)) {
        if (this.s.typeahead.length < MAX_TYPEAHEAD) this.s.typeahead += key;
        return;
      }
      this.fx.push({ type: 'stopPlay', playId: input.playId });
      input.playId = null;
    }
    this.keyAtListeningNode(key);
  }

  keyAtListeningNode(key: string): void {
    const node = this.node;
    const input = this.s.input;
    if (input.timerId !== null) {
      this.fx.push({ type: 'cancelTimer', timerId: input.timerId });
      input.timerId = null;
      input.timerKind = null;
    }
    const d = this.flow.defaults;
    if (node.kind === 'menu') {
      const option = node.options[key];
      if (option) {
        Object.assign(this.s.vars, option.set ?? {});
        if (option.set?.['language'] !== undefined) this.s.language = option.set['language'];
        this.fx.push({ type: 'input', node: this.s.nodeId, value: key, secret: false });
        this.goto(option.next);
      } else if (key === d.repeatKey) {
        this.listen([]);
      } else if (key === d.agentKey && d.agentNode) {
        this.fx.push({ type: 'input', node: this.s.nodeId, value: key, secret: false });
        this.goto(d.agentNode);
      } else {
        this.fx.push({ type: 'input', node: this.s.nodeId, value: key, secret: false });
        this.retry('invalid');
      }
      return;
    }
    if (node.kind !== 'collect') return;
    if (key === d.repeatKey && input.buffer.length === 0) {
      this.listen([]);
      return;
    }
    if (key === '#' && node.terminator === '#') {
      if (input.buffer.length >= node.minLength) this.complete(node);
      else this.invalidCollect(node);
      return;
    }
    const allowed = node.allowed ?? '0123456789';
    if (!allowed.includes(key)) {
      this.invalidCollect(node);
      return;
    }
    input.buffer += key;
    if (input.buffer.length >= node.maxLength) {
      this.complete(node);
      return;
    }
    this.startTimer('interDigit');
    this.listenInfo();
  }

  invalidCollect(node: CollectNode): void {
    this.fx.push({ type: 'input', node: this.s.nodeId, value: node.secret ? '*'.repeat(this.s.input.buffer.length) : this.s.input.buffer, secret: node.secret ?? false });
    this.s.input.buffer = '';
    this.retry('invalid');
  }

  complete(node: CollectNode): void {
    const value = this.s.input.buffer;
    this.s.input.buffer = '';
    if (node.secret) {
      this.s.secrets[node.into] = new Sensitive(value);
      this.fx.push({ type: 'input', node: this.s.nodeId, value: '*'.repeat(value.length), secret: true });
    } else {
      this.s.vars[node.into] = value;
      this.fx.push({ type: 'input', node: this.s.nodeId, value, secret: false });
    }
    this.goto(node.next);
  }

  onPromptEnded(playId: number): void {
    if (playId !== this.s.input.playId) return;
    this.s.input.playId = null;
    this.afterPlay();
  }

  afterPlay(): void {
    const node = this.node;
    switch (node.kind) {
      case 'menu':
      case 'collect':
        if (this.s.typeahead.length > 0) this.drainTypeahead();
        else this.startTimer(this.s.input.buffer.length > 0 ? 'interDigit' : 'noInput');
        return;
      case 'play':
        for (const name of node.forget ?? []) delete this.s.secrets[name];
        this.goto(node.next);
        return;
      case 'announce':
        this.goto(node.next);
        return;
      case 'transfer':
        this.request('transfer');
        return;
      case 'hangup':
        this.end('line');
        return;
      default:
        return;
    }
  }

  onTimer(timerId: number): void {
    const input = this.s.input;
    if (timerId !== input.timerId) return;
    const kind = input.timerKind;
    input.timerId = null;
    input.timerKind = null;
    const node = this.node;
    if (kind === 'interDigit' && node.kind === 'collect') {
      if (input.buffer.length >= node.minLength) this.complete(node);
      else this.invalidCollect(node);
      return;
    }
    this.retry('noInput');
  }

  onHangup(): void {
    if (this.s.pending?.kind === 'service') {
      // The service may already have changed the bank: wait for its answer to record the right outcome.
      this.quietInput();
      this.s.hungUp = true;
      return;
    }
    this.end('caller');
  }

  onResult(event: Extract<FlowEvent, { requestId: number }>): void {
    if (this.s.pending?.requestId !== event.requestId) return;
    this.s.pending = null;
    if (this.s.hungUp) {
      if (event.type === 'serviceDone' && !this.s.outcome && isSuccess(event.result.outcome)) this.s.outcome = event.result.outcome;
      this.end('caller');
      return;
    }
    const node = this.node;
    switch (event.type) {
      case 'identified':
        if (node.kind !== 'identify') return;
        if (event.result === 'identified' && event.customerId) {
          this.s.customerId = event.customerId;
          this.goto(node.next);
        } else if (event.result === 'identified') {
          throw new Error('identified result without a customer id');
        } else {
          this.goto(node.on[event.result]);
        }
        return;
      case 'verified':
        if (node.kind !== 'verify') return;
        if (event.result === 'verified') this.goto(node.next);
        else if (event.result === 'failed') {
          this.s.verifyFailures += 1;
          this.goto(this.s.verifyFailures >= node.maxFailures ? node.on.exhausted : node.on.failed);
        } else this.goto(node.on[event.result]);
        return;
      case 'serviceDone': {
        if (node.kind !== 'action') return;
        const { outcome, vars, secrets } = event.result;
        Object.assign(this.s.vars, vars ?? {});
        Object.assign(this.s.secrets, secrets ?? {});
        if (!this.s.outcome) this.s.outcome = outcome;
        this.goto(node.on[outcome] ?? node.default);
        return;
      }
      case 'transferred':
        if (node.kind !== 'transfer') return;
        if (event.result === 'completed') {
          if (!this.s.outcome) this.s.outcome = 'transferred_to_agent';
          this.end('line');
        } else this.goto(node.on[event.result]);
        return;
      case 'announced':
        if (node.kind !== 'announce') return;
        if (event.prompts.length === 0) {
          this.goto(node.next);
          return;
        }
        this.s.input.playId = this.nextId();
        this.fx.push({ type: 'play', playId: this.s.input.playId, prompts: event.prompts, bargeIn: true, language: this.s.language });
        return;
    }
  }
}

// The configuration front end proper: reads the texts of the -f files in
// order as one configuration, line by line (lexer.ts), finds the sections
// and hands each line to its section's parser, then applies inheritance
// (inherit.ts), builds the typed model and validates it (validate.ts).
// Pure: the files' contents and the environment come in as arguments.

import type { Backend, Config, DefaultsSection, Frontend, ProxyBase, SourcePos } from './model.ts';
import { CfgCode, DiagnosticList, type Diagnostic } from './diagnostics.ts';
import { lexLine, splitLines } from './lexer.ts';
import { badNameChar, Directive, type Env } from './directive.ts';
import { describe, emptySettings, type ProxyDraft, type ProxyKind } from './draft.ts';
import { emptyGlobal, parseGlobalLine, type GlobalState } from './global.ts';
import { parseProxyLine } from './proxy.ts';
import { finishPeers, parsePeersLine, type PeersDraft } from './peers.ts';
import { emptyVrrp, finishVrrp, parseVrrpLine, type VrrpDraft } from './vrrp.ts';
import { finishCache, parseCacheLine, startCache, type CacheDraft } from './cache.ts';
import { checkEmailAlerts, finishMailers, parseMailersLine, startMailers, type MailersDraft } from './mailers.ts';
import { checkServerResolvers, finishResolvers, parseResolversLine, startResolvers, type ResolversDraft } from './resolvers.ts';
import { finishUserlist, parseUserlistLine, type UserlistDraft } from './userlist.ts';
import { resolveSettings } from './inherit.ts';
import { validateConfig } from './validate.ts';
import { SECTIONS, UNSUPPORTED_SECTIONS } from './keywords.ts';
import { ConditionalBlocks, type ConditionEvaluator } from './conditional.ts';
import { suggestion } from './suggest.ts';

export interface ParseOptions {
  /** The process environment (never read from process.env here). */
  env: Record<string, string | undefined>;
  /** This node's name: -L, or the hostname. */
  localName: string;
  /**
   * Evaluates the conditions of `.if` / `.elif` lines (the words after the
   * directive joined by one space). Without it, conditional blocks are
   * refused as not supported yet.
   */
  condition?: ConditionEvaluator;
}

export interface SourceText {
  file: string;
  text: string;
}

export interface ParseResult {
  /** Undefined if and only if there is at least one error. */
  config?: Config;
  diagnostics: Diagnostic[];
}

type Current =
  | { kind: 'global' }
  | { kind: 'proxy'; draft: ProxyDraft }
  | { kind: 'peers'; draft: PeersDraft }
  | { kind: 'vrrp'; draft: VrrpDraft }
  | { kind: 'cache'; draft: CacheDraft }
  | { kind: 'mailers'; draft: MailersDraft }
  | { kind: 'resolvers'; draft: ResolversDraft }
  | { kind: 'userlist'; draft: UserlistDraft }
  | { kind: 'skip' };

const ALL_SECTIONS: readonly string[] = [...SECTIONS, ...UNSUPPORTED_SECTIONS];

/** Parses several files as one configuration (HAProxy's `-f a -f b`). */
export function parseSources(sources: readonly SourceText[], opts: ParseOptions, diags = new DiagnosticList()): ParseResult {
  const p = new ConfigParser(opts, diags);
  for (const s of sources) p.parseFile(s.file, s.text);
  return p.finish();
}

class ConfigParser {
  readonly #diags: DiagnosticList;
  readonly #localName: string;
  readonly #condition: ConditionEvaluator | undefined;
  readonly #env: Env;
  readonly #global: GlobalState;
  readonly #files: string[] = [];
  readonly #defaults: ProxyDraft[] = [];
  #lastDefaults: ProxyDraft | undefined;
  readonly #proxies: ProxyDraft[] = [];
  readonly #feNames = new Map<string, ProxyDraft>();
  readonly #beNames = new Map<string, ProxyDraft>();
  readonly #peers = new Map<string, PeersDraft>();
  readonly #vrrp = new Map<string, VrrpDraft>();
  readonly #caches = new Map<string, CacheDraft>();
  readonly #mailers = new Map<string, MailersDraft>();
  readonly #resolvers = new Map<string, ResolversDraft>();
  readonly #userlists = new Map<string, UserlistDraft>();
  /** Names of backend-side sections refused at their header line. */
  readonly #rejectedBackends = new Set<string>();

  constructor(opts: ParseOptions, diags: DiagnosticList) {
    this.#diags = diags;
    this.#localName = opts.localName;
    this.#condition = opts.condition;
    this.#env = { ...opts.env, HAPROXY_LOCALPEER: opts.localName };
    this.#global = { global: emptyGlobal(), env: this.#env };
  }

  parseFile(file: string, text: string): void {
    this.#files.push(file);
    const diags = this.#diags;
    // Every file starts outside any section, as in HAProxy.
    let current: Current | undefined;
    let sectionName = '';
    let skipIf = 0;
    const blocks = this.#condition !== undefined ? new ConditionalBlocks(this.#condition) : undefined;
    let warnedContinuation = false;
    let lastLine = 0;

    for (const line of splitLines(text)) {
      lastLine = line.line;
      const pos: SourcePos = { file, line: line.line };
      const lexed = lexLine(line.text, { env: this.#env, file, line: line.line, section: sectionName });
      if (lexed.error !== undefined) {
        diags.error(CfgCode.SYNTAX, pos, `${lexed.error.message} at column ${lexed.error.column}`);
        continue;
      }
      let words = lexed.words;
      if (words.length === 0 || words[0] === '') continue;

      if (blocks !== undefined) {
        const o = blocks.handle(words, this.#env);
        if (o.kind === 'error') diags.error(CfgCode.SYNTAX, pos, o.message);
        if (o.kind !== 'none' || blocks.dropping) continue;
      }
      // Without an evaluator, conditional blocks are skipped whole, reported once.
      if (skipIf > 0) {
        if (words[0] === '.if') skipIf++;
        else if (words[0] === '.endif') skipIf--;
        continue;
      }
      if (words[0] === '.if') {
        diags.error(CfgCode.UNSUPPORTED, pos, "conditional blocks ('.if' ... '.endif') are not supported yet");
        skipIf = 1;
        continue;
      }
      if (words[0] === '.elif' || words[0] === '.else' || words[0] === '.endif') {
        diags.error(CfgCode.SYNTAX, pos, `lone '${words[0]}' with no matching '.if'`);
        continue;
      }

      if (line.continued && !warnedContinuation) {
        warnedContinuation = true;
        diags.warning(
          CfgCode.SYNTAX,
          pos,
          "a line ending with ' \\' continues on the next line: Hawser accepts this, HAProxy does not (it reads '\\' as an argument)",
        );
      }
      for (const v of new Set(lexed.unset)) {
        diags.warning(CfgCode.BAD_VALUE, pos, `environment variable '${v}' is not set (expands to nothing; use "\${${v}-default}" for a default)`);
      }

      if (words[0]!.startsWith('.')) {
        this.#userDirective(words, pos);
        continue;
      }

      let modifier: 'no' | 'default' | undefined;
      if ((words[0] === 'no' || words[0] === 'default') && words.length > 1) {
        modifier = words[0];
        words = words.slice(1);
      }
      const d = new Directive(words, pos, diags, this.#env, modifier);

      if (ALL_SECTIONS.includes(d.keyword)) {
        if (modifier !== undefined) {
          d.error(CfgCode.BAD_ARGUMENT, `'${modifier}' cannot be used before a section keyword`);
          current = { kind: 'skip' };
          continue;
        }
        current = this.#startSection(d);
        sectionName = d.arg(1) ?? d.keyword;
        continue;
      }

      if (current === undefined) {
        const hint = suggestion(d.keyword, SECTIONS);
        d.error(
          hint !== '' ? CfgCode.UNKNOWN_KEYWORD : CfgCode.WRONG_SECTION,
          hint !== ''
            ? `unknown keyword '${d.keyword}' out of section${hint}`
            : `'${d.keyword}' appears before any section (start with global, defaults, frontend, backend or listen)`,
        );
        continue;
      }
      switch (current.kind) {
        case 'global':
          parseGlobalLine(d, this.#global);
          break;
        case 'proxy':
          parseProxyLine(d, current.draft);
          break;
        case 'peers':
          parsePeersLine(d, current.draft);
          break;
        case 'vrrp':
          parseVrrpLine(d, current.draft);
          break;
        case 'cache':
          parseCacheLine(d, current.draft);
          break;
        case 'mailers':
          parseMailersLine(d, current.draft);
          break;
        case 'resolvers':
          parseResolversLine(d, current.draft);
          break;
        case 'userlist':
          parseUserlistLine(d, current.draft);
          break;
        case 'skip':
          break;
      }
    }
    if (skipIf > 0 || (blocks !== undefined && blocks.depth > 0)) {
      diags.error(CfgCode.SYNTAX, { file, line: lastLine }, "non-terminated '.if' block");
    }
  }

  /** `.warning`, `.notice`, `.diag`, `.alert` lines. */
  #userDirective(words: string[], pos: SourcePos): void {
    const kw = words[0]!;
    if (!['.alert', '.warning', '.notice', '.diag'].includes(kw)) {
      this.#diags.error(CfgCode.UNKNOWN_KEYWORD, pos, `unknown directive '${kw}'${suggestion(kw, ['.if', '.elif', '.else', '.endif', '.alert', '.warning', '.notice', '.diag'])}`);
      return;
    }
    if (words.length > 2) {
      this.#diags.error(CfgCode.BAD_ARGUMENT, pos, `unexpected argument '${words[2]}' for '${kw}': use quotes if the message contains spaces`);
      return;
    }
    const text = words[1] ?? '';
    if (kw === '.alert') this.#diags.error(CfgCode.USER, pos, text);
    else if (kw === '.warning') this.#diags.warning(CfgCode.USER, pos, text);
  }

  #startSection(d: Directive): Current {
    const kw = d.keyword;
    if ((UNSUPPORTED_SECTIONS as readonly string[]).includes(kw)) {
      d.unsupported(`section '${kw}'`);
      return { kind: 'skip' };
    }
    switch (kw) {
      case 'global':
        if (!d.noMoreThan(0, 'global')) return { kind: 'skip' };
        this.#global.global.pos ??= d.pos;
        return { kind: 'global' };
      case 'defaults':
        return this.#startDefaults(d);
      case 'frontend':
      case 'backend':
      case 'listen':
        return this.#startProxy(d, kw);
      case 'peers':
        return this.#startPeers(d);
      case 'vrrp':
        return this.#startVrrp(d);
      case 'userlist':
        return this.#startUserlist(d);
      case 'resolvers': {
        const draft = startResolvers(d, this.#resolvers);
        if (draft === undefined) return { kind: 'skip' };
        if (draft.keep) this.#resolvers.set(draft.section.name, draft);
        return { kind: 'resolvers', draft };
      }
      case 'mailers': {
        const draft = startMailers(d, this.#mailers);
        if (draft === undefined) return { kind: 'skip' };
        if (draft.keep) this.#mailers.set(draft.section.name, draft);
        return { kind: 'mailers', draft };
      }
      case 'cache': {
        const draft = startCache(d, this.#caches);
        if (draft === undefined) return { kind: 'skip' };
        if (draft.keep) this.#caches.set(draft.name, draft);
        return { kind: 'cache', draft };
      }
    }
    return { kind: 'skip' };
  }

  #newDraft(kind: ProxyKind, name: string, pos: SourcePos, parent: ProxyDraft | undefined): ProxyDraft {
    const draft: ProxyDraft = {
      kind,
      name,
      pos,
      own: emptySettings(),
      logOps: [],
      logFormatSet: false,
      defaultServer: {},
      binds: [],
      servers: [],
      useBackends: [],
      acls: [],
      httpRules: [],
      tcpRules: [],
      captures: [],
      persistRules: [],
      keep: true,
    };
    if (parent !== undefined) {
      draft.parent = parent;
      // A server takes the default-server settings in force where it is written.
      draft.defaultServer = { ...resolveSettings(parent, this.#diags).defaultServer };
    }
    return draft;
  }

  /** Finds the defaults named in `from NAME`, reporting when it is missing or ambiguous. */
  #findDefaults(d: Directive, name: string, who: string): ProxyDraft | undefined {
    const found = this.#defaults.filter((x) => x.name === name);
    if (found.length === 0) {
      d.error(CfgCode.UNKNOWN_DEFAULTS, `defaults section '${name}' not found for ${who}${suggestion(name, this.#defaults.map((x) => x.name).filter((n) => n !== ''))}`);
      return undefined;
    }
    if (found.length > 1) {
      d.error(
        CfgCode.UNKNOWN_DEFAULTS,
        `ambiguous defaults section name '${name}' referenced by ${who}: declared at ${found.map((x) => `${x.pos.file}:${x.pos.line}`).join(' and ')}`,
      );
    }
    const bad = badNameChar(name);
    if (bad !== undefined) d.error(CfgCode.BAD_VALUE, `character '${bad}' is not permitted in defaults section name '${name}' when designated by its name`);
    const target = found[0]!;
    target.explicitRef = true;
    return target;
  }

  #startDefaults(d: Directive): Current {
    let name = d.arg(1) ?? '';
    let from: string | undefined;
    if (name === 'from' && d.length === 3) {
      // `defaults from X`: anonymous, inheriting from X.
      name = '';
      from = d.arg(2);
    } else if (d.length > 2) {
      if (d.arg(2) !== 'from' || d.length !== 4) {
        d.error(CfgCode.BAD_ARGUMENT, "'defaults' expects [<name>] [from <defaults>]");
        return { kind: 'skip' };
      }
      from = d.arg(3);
    }
    let parent: ProxyDraft | undefined;
    const who = name === '' ? 'an anonymous defaults section' : `defaults section '${name}'`;
    if (from !== undefined) {
      parent = this.#findDefaults(d, from, who);
      if (parent === undefined) return { kind: 'skip' };
    }
    const draft = this.#newDraft('defaults', name, d.pos, parent);
    if (from !== undefined) draft.explicitFrom = from;
    this.#defaults.push(draft);
    this.#lastDefaults = draft;
    return { kind: 'proxy', draft };
  }

  #startProxy(d: Directive, kind: 'frontend' | 'backend' | 'listen'): Current {
    const name = d.arg(1);
    if (name === undefined || name === '') {
      d.error(CfgCode.BAD_ARGUMENT, `'${kind}' expects a name`);
      return { kind: 'skip' };
    }
    let keep = true;
    const bad = badNameChar(name);
    if (bad !== undefined) {
      d.error(CfgCode.BAD_VALUE, `character '${bad}' is not permitted in ${kind} name '${name}'`);
      keep = false;
    }
    if (d.length > 2 && (d.arg(2) !== 'from' || d.length !== 4)) {
      if (kind !== 'backend' && d.arg(2) !== 'from') {
        d.error(CfgCode.DEPRECATED, `'${kind} ${name} ${d.arg(2)}': addresses on the section line are not supported, use the 'bind' keyword for listening addresses`);
      } else {
        d.error(CfgCode.BAD_ARGUMENT, `'${kind}' expects <name> [from <defaults>]`);
      }
      return { kind: 'skip' };
    }

    const clashes: ProxyDraft[] = [];
    if (kind !== 'backend') {
      const other = this.#feNames.get(name);
      if (other !== undefined) clashes.push(other);
    }
    if (kind !== 'frontend') {
      const other = this.#beNames.get(name);
      if (other !== undefined && !clashes.includes(other)) clashes.push(other);
    }
    for (const other of clashes) {
      d.error(
        CfgCode.DUPLICATE,
        `${kind} '${name}' has the same name as ${describe(other)} declared at ${other.pos.file}:${other.pos.line}`,
      );
      keep = false;
    }

    let parent: ProxyDraft | undefined;
    const from = d.length === 4 ? d.arg(3)! : undefined;
    if (from !== undefined) {
      parent = this.#findDefaults(d, from, `${kind} '${name}'`);
      if (parent === undefined) keep = false;
    } else if (this.#lastDefaults !== undefined) {
      parent = this.#lastDefaults;
      this.#lastDefaults.implicitRef = true;
    }
    const p = parent;
    if (p !== undefined && p.explicitRef === true && p.implicitRef === true && p.mixWarned !== true) {
      p.mixWarned = true;
      d.warn(
        CfgCode.UNKNOWN_DEFAULTS,
        `${describe(p)} (declared at ${p.pos.file}:${p.pos.line}) is explicitly referenced by another proxy and implicitly used here: to avoid any ambiguity don't mix both usages`,
      );
    }

    const draft = this.#newDraft(kind, name, d.pos, parent);
    if (from !== undefined) draft.explicitFrom = from;
    draft.keep = keep;
    if (!keep && kind !== 'frontend') this.#rejectedBackends.add(name);
    if (keep) {
      this.#proxies.push(draft);
      if (kind !== 'backend') this.#feNames.set(name, draft);
      if (kind !== 'frontend') this.#beNames.set(name, draft);
    }
    return { kind: 'proxy', draft };
  }

  #startPeers(d: Directive): Current {
    if (!d.need(1, 'peers', 'a name') || !d.noMoreThan(1, 'peers')) return { kind: 'skip' };
    const name = d.arg(1)!;
    const draft: PeersDraft = { section: { pos: d.pos, name, peers: [] }, keep: true, addressless: [] };
    const bad = badNameChar(name);
    if (bad !== undefined) {
      d.error(CfgCode.BAD_VALUE, `character '${bad}' is not permitted in peers section name '${name}'`);
      draft.keep = false;
    }
    const other = this.#peers.get(name);
    if (other !== undefined) {
      d.error(CfgCode.DUPLICATE, `peers section '${name}' has the same name as another peers section declared at ${other.section.pos.file}:${other.section.pos.line}`);
      draft.keep = false;
    }
    if (draft.keep) this.#peers.set(name, draft);
    return { kind: 'peers', draft };
  }

  #startUserlist(d: Directive): Current {
    if (!d.need(1, 'userlist', 'a name') || !d.noMoreThan(1, 'userlist')) return { kind: 'skip' };
    const name = d.arg(1)!;
    const draft: UserlistDraft = { section: { pos: d.pos, name, users: new Map(), groups: new Map() }, keep: true };
    const other = this.#userlists.get(name);
    if (other !== undefined) {
      d.error(CfgCode.DUPLICATE, `userlist '${name}' has the same name as another userlist declared at ${other.section.pos.file}:${other.section.pos.line}`);
      draft.keep = false;
    }
    if (draft.keep) this.#userlists.set(name, draft);
    return { kind: 'userlist', draft };
  }

  #startVrrp(d: Directive): Current {
    if (!d.need(1, 'vrrp', 'a name') || !d.noMoreThan(1, 'vrrp')) return { kind: 'skip' };
    const name = d.arg(1)!;
    const draft: VrrpDraft = { section: emptyVrrp(name, d.pos), keep: true, seen: new Set() };
    const bad = badNameChar(name);
    if (bad !== undefined) {
      d.error(CfgCode.BAD_VALUE, `character '${bad}' is not permitted in vrrp section name '${name}'`);
      draft.keep = false;
    }
    const other = this.#vrrp.get(name);
    if (other !== undefined) {
      d.error(CfgCode.DUPLICATE, `vrrp section '${name}' has the same name as another vrrp section declared at ${other.section.pos.file}:${other.section.pos.line}`);
      draft.keep = false;
    }
    if (draft.keep) this.#vrrp.set(name, draft);
    return { kind: 'vrrp', draft };
  }

  finish(): ParseResult {
    const diags = this.#diags;
    const localName = this.#global.global.localpeer ?? this.#localName;
    const config: Config = {
      files: [...this.#files],
      global: this.#global.global,
      defaults: [],
      frontends: new Map(),
      backends: new Map(),
      peers: new Map(),
      vrrp: new Map(),
      caches: new Map(),
      mailers: new Map(),
      resolvers: new Map(),
      userlists: new Map(),
      localName,
    };

    for (const draft of this.#defaults) {
      const s: DefaultsSection = { ...resolveSettings(draft, diags), pos: draft.pos };
      if (draft.name !== '') s.name = draft.name;
      if (draft.explicitFrom !== undefined) s.defaultsFrom = draft.explicitFrom;
      const db = inheritedDefaultBackend(draft);
      if (db !== undefined) s.defaultBackend = db;
      const disabled = inheritedDisabled(draft);
      if (disabled !== undefined) s.disabled = disabled;
      config.defaults.push(s);
    }

    const implicitDefault = new Set<Frontend>();
    for (const draft of this.#proxies) {
      const settings = resolveSettings(draft, diags);
      const base = {
        ...settings,
        mode: settings.mode ?? ('tcp' as const),
        pos: draft.pos,
        name: draft.name,
        fromListen: draft.kind === 'listen',
      };
      const extra: Pick<
        ProxyBase,
        'defaultsFrom' | 'disabled' | 'id' | 'description' | 'acls' | 'httpRules' | 'stats' | 'tcpRules' | 'inspectDelay' | 'captures' | 'persistRules' | 'stickTable' | 'stickRules'
      > = {
        acls: draft.acls,
        httpRules: draft.httpRules,
        tcpRules: draft.tcpRules,
        captures: draft.captures,
        persistRules: draft.persistRules,
      };
      if (draft.inspectDelay !== undefined) extra.inspectDelay = draft.inspectDelay;
      if (draft.stickTable !== undefined) extra.stickTable = draft.stickTable;
      if (draft.stickRules !== undefined) extra.stickRules = draft.stickRules;
      if (draft.parent !== undefined) extra.defaultsFrom = draft.parent.name;
      const disabled = inheritedDisabled(draft);
      if (disabled !== undefined) extra.disabled = disabled;
      if (draft.id !== undefined) extra.id = draft.id;
      if (draft.description !== undefined) extra.description = draft.description;
      const stats = draft.stats ?? inheritedStats(draft);
      if (stats !== undefined && stats.enabled) extra.stats = stats;

      if (draft.kind !== 'backend') {
        const fe: Frontend = { ...structuredClone(base), ...extra, binds: draft.binds, useBackends: draft.useBackends };
        const db = inheritedDefaultBackend(draft);
        if (db !== undefined) fe.defaultBackend = db;
        else if (draft.kind === 'listen') {
          fe.defaultBackend = { pos: draft.pos, name: draft.name };
          implicitDefault.add(fe);
        }
        config.frontends.set(draft.name, fe);
      }
      if (draft.kind !== 'frontend') {
        const be: Backend = { ...structuredClone(base), ...extra, servers: draft.servers };
        config.backends.set(draft.name, be);
      }
    }

    for (const u of this.#userlists.values()) {
      finishUserlist(u, diags);
      config.userlists.set(u.section.name, u.section);
    }
    for (const c of this.#caches.values()) {
      const section = finishCache(c, diags);
      if (section !== undefined) config.caches.set(section.name, section);
    }
    for (const p of this.#peers.values()) {
      finishPeers(p, localName, diags);
      config.peers.set(p.section.name, p.section);
    }
    for (const v of this.#vrrp.values()) {
      finishVrrp(v, localName, config.backends, diags);
      config.vrrp.set(v.section.name, v.section);
    }
    const seenVrid = new Map<string, string>();
    for (const v of config.vrrp.values()) {
      if (v.virtualRouterId === undefined || v.interface === undefined) continue;
      const key = `${v.interface}/${v.virtualRouterId}/${v.version ?? 3}`;
      const other = seenVrid.get(key);
      if (other !== undefined) {
        diags.error(CfgCode.DUPLICATE, v.pos, `vrrp '${v.name}' uses virtual-router-id ${v.virtualRouterId} on ${v.interface} like vrrp '${other}'`);
      } else seenVrid.set(key, v.name);
    }

    for (const m of this.#mailers.values()) {
      const section = finishMailers(m, diags);
      if (section !== undefined) config.mailers.set(section.name, section);
    }
    for (const r of this.#resolvers.values()) {
      const section = finishResolvers(r, diags);
      config.resolvers!.set(section.name, section);
    }
    checkServerResolvers(config, diags);
    checkEmailAlerts(config, diags);
    validateConfig(config, { implicitDefault, rejectedBackends: this.#rejectedBackends }, diags);

    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.#env)) if (v !== undefined) env[k] = v;
    config.env = env;

    const zw = this.#global.zeroWarning;
    if (zw !== undefined && diags.warningCount > 0 && diags.errorCount === 0) {
      diags.error(CfgCode.USER, zw, `'zero-warning' is set and ${diags.warningCount} warning(s) were found`);
    }
    // Reading order: file by file, line by line; problems with no line (I/O) first.
    const fileIndex = new Map(this.#files.map((f, i) => [f, i]));
    const order = (d: Diagnostic): [number, number] => [
      d.file === undefined ? -1 : (fileIndex.get(d.file) ?? -1),
      d.line ?? -1,
    ];
    const diagnostics = diags.items
      .map((d, i) => ({ d, i, k: order(d) }))
      .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.i - b.i)
      .map((x) => x.d);
    return diags.errorCount > 0 ? { diagnostics } : { config, diagnostics };
  }
}

function inheritedDefaultBackend(draft: ProxyDraft): ProxyDraft['defaultBackend'] {
  for (let d: ProxyDraft | undefined = draft; d !== undefined; d = d.parent) {
    if (d.defaultBackend !== undefined) return d.defaultBackend;
  }
  return undefined;
}

/** `stats` lines of the nearest defaults section that has some (HAProxy copies them). */
function inheritedStats(draft: ProxyDraft): ProxyDraft['stats'] {
  for (let d = draft.parent; d !== undefined; d = d.parent) if (d.stats !== undefined) return d.stats;
  return undefined;
}

function inheritedDisabled(draft: ProxyDraft): boolean | undefined {
  for (let d: ProxyDraft | undefined = draft; d !== undefined; d = d.parent) {
    if (d.disabled !== undefined) return d.disabled;
  }
  return undefined;
}

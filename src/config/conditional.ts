// `.if` / `.elif` / `.else` / `.endif` blocks, with HAProxy 2.6's rules
// (readcfgfile()): nestable, at most one `.else` per level, `.elif` never
// after `.else`, and a block inside a dropped branch is skipped without
// evaluating its conditions. Evaluating a condition is someone else's job
// (the CLI owns the condition language and the version and feature list it
// needs); it comes in as a function.

export type ConditionEvaluator = (
  expr: string,
  env: Readonly<Record<string, string | undefined>>,
) => { ok: true; value: boolean } | { ok: false; message: string };

type State = 'if-take' | 'if-drop' | 'if-skip' | 'elif-take' | 'elif-drop' | 'elif-skip' | 'else-take' | 'else-drop';

const DROPPING: ReadonlySet<State> = new Set(['if-drop', 'if-skip', 'elif-drop', 'elif-skip', 'else-drop']);
/** A branch of this level was (or will be) taken: later branches are skipped. */
const DONE: ReadonlySet<State> = new Set(['if-take', 'if-skip', 'elif-take', 'elif-skip']);

/** HAProxy allows this many nested levels. */
const MAX_DEPTH = 10;

export type DirectiveOutcome =
  /** Not a conditional directive. */
  | { kind: 'none' }
  /** Handled (the line itself is consumed). */
  | { kind: 'handled' }
  | { kind: 'error'; message: string };

export class ConditionalBlocks {
  readonly #stack: State[] = [];
  readonly #evaluate: ConditionEvaluator;

  constructor(evaluate: ConditionEvaluator) {
    this.#evaluate = evaluate;
  }

  /** True while lines are to be ignored. */
  get dropping(): boolean {
    const top = this.#stack[this.#stack.length - 1];
    return top !== undefined && DROPPING.has(top);
  }

  get depth(): number {
    return this.#stack.length;
  }

  /** Feeds one tokenised line; `env` is the environment as it stands there. */
  handle(words: readonly string[], env: Readonly<Record<string, string | undefined>>): DirectiveOutcome {
    const kw = words[0];
    const top = this.#stack.length - 1;
    switch (kw) {
      case '.if': {
        if (this.#stack.length >= MAX_DEPTH) return { kind: 'error', message: `too many nested '.if', max is ${MAX_DEPTH}` };
        if (this.dropping) {
          this.#stack.push('if-skip');
          return { kind: 'handled' };
        }
        const r = this.#evaluate(words.slice(1).join(' '), env);
        // A condition that cannot be evaluated drops every branch of its block.
        this.#stack.push(!r.ok ? 'if-skip' : r.value ? 'if-take' : 'if-drop');
        return r.ok ? { kind: 'handled' } : { kind: 'error', message: `${r.message} in '.if'` };
      }
      case '.elif': {
        if (top < 0) return { kind: 'error', message: "lone '.elif' with no matching '.if'" };
        const s = this.#stack[top]!;
        if (s === 'else-take' || s === 'else-drop') return { kind: 'error', message: "'.elif' after '.else' is not permitted" };
        if (DONE.has(s)) {
          this.#stack[top] = 'elif-skip';
          return { kind: 'handled' };
        }
        const r = this.#evaluate(words.slice(1).join(' '), env);
        this.#stack[top] = !r.ok ? 'elif-skip' : r.value ? 'elif-take' : 'elif-drop';
        return r.ok ? { kind: 'handled' } : { kind: 'error', message: `${r.message} in '.elif'` };
      }
      case '.else':
      case '.endif': {
        if (words.length > 1) return { kind: 'error', message: `unexpected argument '${words[1]}' for '${kw}'` };
        if (top < 0) return { kind: 'error', message: `lone '${kw}' with no matching '.if'` };
        if (kw === '.endif') {
          this.#stack.pop();
          return { kind: 'handled' };
        }
        const s = this.#stack[top]!;
        if (s === 'else-take' || s === 'else-drop') return { kind: 'error', message: "'.else' after '.else' is not permitted" };
        this.#stack[top] = DONE.has(s) ? 'else-drop' : 'else-take';
        return { kind: 'handled' };
      }
    }
    return { kind: 'none' };
  }
}

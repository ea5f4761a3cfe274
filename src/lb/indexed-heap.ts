// A binary min-heap of nodes that know their own position, so that a node
// can be removed or re-sorted in O(log n) after its key changed: the ordered
// structure behind roundrobin (next position) and leastconn (load).

export interface HeapNode {
  /** Position in the heap array, -1 when not in the heap. */
  heapIndex: number;
}

export class IndexedHeap<N extends HeapNode> {
  readonly items: N[] = [];
  readonly #less: (a: N, b: N) => boolean;

  constructor(less: (a: N, b: N) => boolean) {
    this.#less = less;
  }

  get size(): number {
    return this.items.length;
  }

  top(): N | undefined {
    return this.items[0];
  }

  push(n: N): void {
    n.heapIndex = this.items.length;
    this.items.push(n);
    this.#up(n.heapIndex);
  }

  /** Removes and returns the smallest node. */
  pop(): N | undefined {
    const items = this.items;
    const first = items[0];
    if (first === undefined) return undefined;
    const last = items.pop()!;
    first.heapIndex = -1;
    if (last !== first) {
      items[0] = last;
      last.heapIndex = 0;
      this.#down(0);
    }
    return first;
  }

  remove(n: N): void {
    const i = n.heapIndex;
    if (i < 0) return;
    const items = this.items;
    const last = items.pop()!;
    n.heapIndex = -1;
    if (last !== n) {
      items[i] = last;
      last.heapIndex = i;
      this.#down(i);
      this.#up(last.heapIndex);
    }
  }

  /** Restores order after `n`'s key changed (either way). */
  update(n: N): void {
    if (n.heapIndex < 0) return;
    this.#up(n.heapIndex);
    this.#down(n.heapIndex);
  }

  /** Restores order after the top node's key grew: the hot path of roundrobin. */
  topIncreased(): void {
    this.#down(0);
  }

  clear(): void {
    for (const n of this.items) n.heapIndex = -1;
    this.items.length = 0;
  }

  /** Replaces the content with `nodes`, in O(n). */
  rebuild(nodes: readonly N[]): void {
    this.clear();
    for (const n of nodes) {
      n.heapIndex = this.items.length;
      this.items.push(n);
    }
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  #up(i: number): void {
    const items = this.items;
    const n = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (!this.#less(n, parent)) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    items[i] = n;
    n.heapIndex = i;
  }

  #down(i: number): void {
    const items = this.items;
    const len = items.length;
    const n = items[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= len) break;
      const r = l + 1;
      let c = l;
      let child = items[l]!;
      if (r < len && this.#less(items[r]!, child)) {
        c = r;
        child = items[r]!;
      }
      if (!this.#less(child, n)) break;
      items[i] = child;
      child.heapIndex = i;
      i = c;
    }
    items[i] = n;
    n.heapIndex = i;
  }
}

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { keyedList, placeChildren } from '../../addin/src/components/el';
import type { DomElement } from '../../addin/src/dom';

/** Just enough of a DOM parent to count what the reconciler moves. */
class FakeNode {
  parentNode: FakeParent | null = null;
  textContent: string | null;
  constructor(readonly key: string) {
    this.textContent = key;
  }
  remove(): void {
    this.parentNode?.drop(this);
  }
}
class FakeParent {
  childNodes: FakeNode[] = [];
  inserts = 0;
  drop(node: FakeNode): void {
    this.childNodes = this.childNodes.filter((n) => n !== node);
    node.parentNode = null;
  }
  insertBefore(node: FakeNode, before: FakeNode | null): void {
    this.inserts++;
    if (node.parentNode) node.parentNode.drop(node);
    const at = before ? this.childNodes.indexOf(before) : this.childNodes.length;
    this.childNodes.splice(at < 0 ? this.childNodes.length : at, 0, node);
    node.parentNode = this;
  }
}
const asParent = (p: FakeParent) => p as unknown as DomElement;
const keys = (p: FakeParent) => p.childNodes.map((n) => n.key);

describe('task pane components: keyed lists', () => {
  it('places any order of any nodes, moving only those off the longest run already in order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 20 }), fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 20 }), (first, second) => {
        const pool = new Map<number, FakeNode>();
        const node = (k: number) => pool.get(k) ?? pool.set(k, new FakeNode(String(k))).get(k)!;
        const parent = new FakeParent();
        placeChildren(asParent(parent), first.map(node));
        assert.deepEqual(keys(parent), first.map(String));
        parent.inserts = 0;
        const kept = second.filter((k) => first.includes(k));
        placeChildren(asParent(parent), second.map(node));
        assert.deepEqual(keys(parent), second.map(String));
        // Lower bound: new nodes must be inserted; kept nodes off the longest in-order run must move.
        const positions = kept.map((k) => first.indexOf(k));
        let lis = 0;
        const tails: number[] = [];
        for (const p of positions) {
          let i = tails.findIndex((t) => t >= p);
          if (i < 0) i = tails.length;
          tails[i] = p;
          lis = Math.max(lis, tails.length);
        }
        assert.equal(parent.inserts, second.length - kept.length + (kept.length - lis));
      }),
    );
  });

  it('moving one row to the end is one move; unchanged rows are not written', () => {
    const parent = new FakeParent();
    const writes: string[] = [];
    const render = keyedList<{ id: string; text: string }>(asParent(parent), (r) => r.id, (first) => {
      const n = new FakeNode(first.id);
      return { nodes: [n], update: (r) => (n.textContent !== r.text ? (writes.push(r.id), (n.textContent = r.text)) : undefined) };
    });
    const rows = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, text: id }));
    render(rows);
    const before = [...parent.childNodes];
    writes.length = 0;
    parent.inserts = 0;
    render([...rows.slice(1), { id: 'a', text: 'a approved' }]);
    assert.deepEqual(keys(parent), ['b', 'c', 'd', 'e', 'a']);
    assert.equal(parent.inserts, 1);
    assert.deepEqual(writes, ['a']);
    assert.ok(parent.childNodes.every((n) => before.includes(n)), 'the same nodes');
    render(rows.slice(2));
    assert.deepEqual(keys(parent), ['c', 'd', 'e']);
  });
});

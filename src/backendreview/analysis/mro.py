"""Python's method resolution order (C3 linearisation), the one answer to "which class's
method does class C get", whatever the classes are: the program model's `ClassInfo`s (library
bases left out) or the route collector's view facts, with library bases as opaque names.

`linearize(root, parents, key)` orders `root` and its ancestors as `type.mro()` would: each
class before its bases, the bases in the order written, a class shared by two bases (a
diamond) after every class that derives from it. A hierarchy Python itself would refuse
(no consistent order) falls back to depth-first, each class once, so a reviewer still sees
every ancestor; a cycle (a class naming itself through an unresolved import) is cut.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")


def linearize(root: T, parents: Callable[[T], Sequence[T]], key: Callable[[T], Hashable],
              cache: dict[Hashable, tuple[T, ...]] | None = None) -> tuple[T, ...]:
    """`root`'s MRO: `parents(node)` are its direct bases in the order written, `key(node)`
    tells two nodes for the same class (memoised in `cache` when given)."""
    memo: dict[Hashable, tuple[T, ...]] = {} if cache is None else cache
    return _order(root, parents, key, memo)


def _order(node: T, parents: Callable[[T], Sequence[T]], key: Callable[[T], Hashable],
           memo: dict[Hashable, tuple[T, ...]]) -> tuple[T, ...]:
    k = key(node)
    cached = memo.get(k)
    if cached is not None:
        return cached
    memo[k] = (node,)  # cycle guard: a class reached from itself stops there
    bases = [b for b in parents(node) if key(b) != k]
    # A base's line that leads back here (a cycle) loses this class: it comes first.
    lines = [[c for c in _order(b, parents, key, memo) if key(c) != k] for b in bases]
    order = c3([[node], *lines, list(bases)], key)
    if order is None:  # an inconsistent hierarchy: depth-first, each class once
        order = [node]
        seen = {k}
        for line in lines:
            for item in line:
                if key(item) not in seen:
                    seen.add(key(item))
                    order.append(item)
    result = tuple(order)
    memo[k] = result
    return result


def c3(sequences: list[list[T]], key: Callable[[T], Hashable]) -> list[T] | None:
    """The C3 merge of `sequences`; None when no consistent order exists."""
    seqs = [[(key(item), item) for item in s] for s in sequences if s]
    out: list[T] = []
    while seqs:
        for seq in seqs:
            head = seq[0][0]
            if not any(head in (k for k, _ in other[1:]) for other in seqs):
                break
        else:
            return None
        out.append(seq[0][1])
        seqs = [s[1:] if s[0][0] == head else s for s in seqs]
        seqs = [s for s in seqs if s]
    return out

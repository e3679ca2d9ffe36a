"""The tree behind the takes model, Qt-free: one node per take, each knowing its row, built and
sorted a slice at a time so that thousands of takes never hold the GUI thread in one go.

The builders are generators: each `yield` is a point where the event loop may run (input,
painting) before the next slice. Run one to the end to do it all at once.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from operator import itemgetter
from typing import Any

from voxbooth.studio.entities import TakeInfo

SLICE_TAKES = 2500  # takes handled per slice: a few milliseconds of Python each


class TakeNode:
    """One take in the tree. Its row under its parent is stored, not searched for: a view asks
    `parent()` for every child it lays out, and `children.index(self)` made that linear in the
    number of originals (3.8 s of `parent()` calls for the conversions of 5,000 originals)."""

    __slots__ = ("at", "children", "opened", "parent", "take")

    def __init__(self, take: TakeInfo | None, parent: TakeNode | None, at: int = 0) -> None:
        self.take = take
        self.parent = parent
        self.at = at  # row under `parent`; kept by whoever changes `parent.children`
        self.children: list[TakeNode] = []
        self.opened = False  # a view asked for the children (`TakesModel.fetchMore`)

    def row(self) -> int:
        return self.at


def renumber(nodes: list[TakeNode], start: int = 0) -> None:
    """Stores each node's row after `nodes` was sorted, or shortened before `start`."""
    for row in range(start, len(nodes)):
        nodes[row].at = row


def build_nodes(takes: Sequence[TakeInfo], root: TakeNode,
                slice_takes: int = SLICE_TAKES) -> Generator[None, None, list[TakeNode]]:
    """Fills `root.children`-to-be: returns (as the generator's value) the originals, each with
    its conversions under it in the order given; conversions of originals not listed are left
    out. Rows of the originals are set when they are adopted."""
    originals: dict[str, TakeNode] = {}
    conversions: list[TakeInfo] = []
    for start in range(0, len(takes), slice_takes):
        for take in takes[start:start + slice_takes]:
            if take.is_conversion:
                conversions.append(take)
            else:
                originals[take.id] = TakeNode(take, root)
        yield
    for start in range(0, len(conversions), slice_takes):
        for take in conversions[start:start + slice_takes]:
            parent = originals.get(take.original_id or "")
            if parent is not None:
                parent.children.append(TakeNode(take, parent, len(parent.children)))
        yield
    return list(originals.values())


def sort_nodes(nodes: list[TakeNode], key: Callable[[TakeInfo], Any], reverse: bool,
               slice_takes: int = SLICE_TAKES) -> Iterator[None]:
    """Sorts `nodes` in place, and the children under each, with one key per take (computed a
    slice at a time; the sort itself compares keys in C). Stable, as `list.sort` is."""
    keyed: list[tuple[Any, TakeNode]] = []
    for start in range(0, len(nodes), slice_takes):
        for node in nodes[start:start + slice_takes]:
            keyed.append((key(node.take), node))  # type: ignore[arg-type]
            if len(node.children) > 1:
                node.children.sort(key=lambda n: key(n.take),  # type: ignore[arg-type]
                                   reverse=reverse)
                renumber(node.children)
        yield
    keyed.sort(key=itemgetter(0), reverse=reverse)
    nodes[:] = [node for _key, node in keyed]


def sorted_row(nodes: Sequence[TakeNode], take: TakeInfo, key: Callable[[TakeInfo], Any],
               reverse: bool) -> int:
    """Where `take` goes among `nodes`, which are sorted by `key`: after the takes of an equal
    key, as sorting again would put it (`list.sort` is stable either way round). Asks `key`
    for a logarithmic number of takes, so a take joins a long sorted list without sorting it."""
    wanted = key(take)
    low, high = 0, len(nodes)
    while low < high:
        middle = (low + high) // 2
        here = key(nodes[middle].take)  # type: ignore[arg-type]
        if (here < wanted) if reverse else (wanted < here):
            high = middle
        else:
            low = middle + 1
    return low

"""NodeView: an ordered set of node ids of one Simulator, as NEST's NodeCollection."""

from __future__ import annotations

import numpy as np


class NodeView:
    """Node ids (1-based, as NEST's) of one Simulator; slicing and ``+`` give new views."""

    def __init__(self, sim, gids):
        self.sim = sim
        self.gids = np.asarray(gids, dtype=np.int64).reshape(-1)

    def __len__(self) -> int:
        return self.gids.size

    def __iter__(self):
        return (NodeView(self.sim, [g]) for g in self.gids)

    def __getitem__(self, key) -> NodeView:
        if isinstance(key, (int, np.integer)):
            if not -len(self) <= key < len(self):
                raise IndexError(f"index {key} out of range for {len(self)} nodes")
            return NodeView(self.sim, [self.gids[key]])
        return NodeView(self.sim, self.gids[key])

    def __add__(self, other: NodeView) -> NodeView:
        if not isinstance(other, NodeView) or other.sim is not self.sim:
            raise TypeError("can only add NodeViews of the same Simulator")
        if np.intersect1d(self.gids, other.gids).size:
            raise ValueError("can only join NodeViews without common nodes")
        return NodeView(self.sim, np.concatenate([self.gids, other.gids]))

    def __contains__(self, gid) -> bool:
        return int(gid) in set(self.gids.tolist())

    def __eq__(self, other) -> bool:
        return isinstance(other, NodeView) and other.sim is self.sim and np.array_equal(self.gids, other.gids)

    def __hash__(self):
        return hash((id(self.sim), self.gids.tobytes()))

    def __repr__(self) -> str:
        models = sorted({self.sim._pop_of(g).model.name for g in self.gids[:1000]})
        return f"NodeView(model={','.join(models)}, ids={self.gids.tolist()[:10]}{'...' if len(self) > 10 else ''})"

    def tolist(self) -> list[int]:
        return self.gids.tolist()

    def get(self, *names: str):
        """Parameter or state values; one node gives scalars, several give arrays (NEST units as
        quantities where the value has a unit). Without names, every parameter of the model."""
        return self.sim._get(self, names)

    def set(self, params: dict | None = None, **values) -> None:
        """Set parameters or state, as ``nest.SetStatus``; scalars or one value per node."""
        self.sim._set(self, {**(params or {}), **values})

"""A small evaluator for the learned sentence ranker: an ensemble of regression trees.

The trees are trained offline with LightGBM's LambdaRank (bench/train_scorer.py) and shipped
as plain data (`ranker_model.json`), so the engine needs neither LightGBM nor a network at run
time: evaluating a few hundred small trees is a handful of numpy array lookups. All trees are
walked at once, one level per step, for every sentence of an article.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy

MODEL_FORMAT = "ringkas-trees/1"


@dataclass(frozen=True)
class TreeEnsemble:
    """Trees stored as flat node arrays; a leaf points to itself and always goes "left"."""

    version: str
    feature_names: tuple[str, ...]
    feature: numpy.ndarray  # feature index per node
    threshold: numpy.ndarray  # go left when value <= threshold (leaves: +inf)
    left: numpy.ndarray
    right: numpy.ndarray
    value: numpy.ndarray  # leaf output (0 for inner nodes)
    roots: numpy.ndarray
    depth: int

    def predict(self, rows: numpy.ndarray) -> numpy.ndarray:
        """The ensemble's score for each row (a sentence's features in `feature_names` order)."""
        if rows.ndim != 2 or rows.shape[1] != len(self.feature_names):
            raise ValueError(f"expected rows of {len(self.feature_names)} features")
        count = rows.shape[0]
        if count == 0:
            return numpy.zeros(0)
        nodes = numpy.broadcast_to(self.roots, (count, len(self.roots))).copy()
        row_index = numpy.arange(count)[:, None]
        for _ in range(self.depth):
            values = rows[row_index, self.feature[nodes]]
            nodes = numpy.where(
                values <= self.threshold[nodes], self.left[nodes], self.right[nodes]
            )
        scores: numpy.ndarray = self.value[nodes].sum(axis=1)
        return scores


def _flatten(trees: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    roots: list[int] = []
    depth = 0
    for tree in trees:
        offset = len(feature)
        roots.append(offset)
        for node, split in enumerate(tree["feature"]):
            if split < 0:  # a leaf
                feature.append(0)
                threshold.append(numpy.inf)
                left.append(offset + node)
                right.append(offset + node)
                value.append(float(tree["value"][node]))
            else:
                feature.append(int(split))
                threshold.append(float(tree["threshold"][node]))
                left.append(offset + int(tree["left"][node]))
                right.append(offset + int(tree["right"][node]))
                value.append(0.0)
        depth = max(depth, int(tree["depth"]))
    return {
        "feature": numpy.array(feature, dtype=numpy.intp),
        "threshold": numpy.array(threshold, dtype=numpy.float64),
        "left": numpy.array(left, dtype=numpy.intp),
        "right": numpy.array(right, dtype=numpy.intp),
        "value": numpy.array(value, dtype=numpy.float64),
        "roots": numpy.array(roots, dtype=numpy.intp),
        "depth": depth,
    }


def from_data(data: Mapping[str, Any]) -> TreeEnsemble:
    """Build an ensemble from the JSON form written by bench/train_scorer.py.

    Each tree lists its nodes in order: `feature` (-1 for a leaf), `threshold`, `left` and
    `right` (node numbers within the tree), `value` (leaf output) and its `depth`.
    """
    if data.get("format") != MODEL_FORMAT:
        raise ValueError(f"not a {MODEL_FORMAT} model")
    arrays = _flatten(data["trees"])
    return TreeEnsemble(
        version=str(data["version"]), feature_names=tuple(data["features"]), **arrays
    )


def load(path: Path) -> TreeEnsemble:
    return from_data(json.loads(path.read_text(encoding="utf-8")))

"""Overlap losses for segmentation (soft Dice, Tversky, soft Jaccard): specs to come."""

from __future__ import annotations

from ._types import LossSpec

SPECS: list[LossSpec] = []

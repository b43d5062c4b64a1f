"""Scopes: China's places as a hierarchy (:mod:`.places`), so that a term's
scope can be compared with a document's (national ⊃ 山西省 ⊃ 长治市 ⊃ 上党区)."""

from .places import NATIONAL, Place, contains, parent, place

__all__ = ["NATIONAL", "Place", "contains", "parent", "place"]

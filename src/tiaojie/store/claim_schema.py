"""The subsidy cycle's tables: claims, their lines, each step's decisions and the objections raised
during the public notice. Imported at the end of `schema` so that Base.metadata holds them."""

from __future__ import annotations

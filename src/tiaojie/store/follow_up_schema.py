"""The follow-up checks' tables: the seeded sample of settled cases drawn per period and each
follow-up visit's result. Imported at the end of `schema` so that Base.metadata holds them."""

from __future__ import annotations

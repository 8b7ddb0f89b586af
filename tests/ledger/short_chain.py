"""A county's own review chain for tests: claim → review at the county → pay, no public notice."""

THREE_STEPS = """
[policy]
id = "review-chain"
kind = "chain"
title = "申报审核流程（三步）"
title_en = "Three-step review chain"
version = "2026.3"
effective_from = 2026-01-01
source = "某县：调委会申报，县司法局审核后直接拨付，不公示"

[[step]]
id = "claim"
title = "申报"
title_en = "claim"
action = "claim"
roles = ["mediator", "clerk"]
unit_level = "own"
days = 10

[[step]]
id = "review"
title = "审核"
title_en = "review"
action = "review"
roles = ["clerk", "admin"]
unit_level = "county"
days = 20

[[step]]
id = "pay"
title = "拨付"
title_en = "payment"
action = "pay"
roles = ["clerk", "admin"]
unit_level = "county"

[checks]
follow_up_share = 0.10
follow_up_minimum = 3
duplicate_within_days = 30
"""

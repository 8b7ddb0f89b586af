"""Calculators: the arithmetic the engine should not do — Decimal money to the fen, reward ceilings,
allocation by largest remainder, dividend returns and retentions, escalation deadlines.

Nothing here knows rule files or policies: each kind of policy (`tiaojie.rules.kinds`) reads its
case and its matched rows and calls on these.
"""

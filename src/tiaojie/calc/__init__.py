"""Calculators: what each kind of policy does with the rows the engine matched.

The engine decides which rows hold; Python keeps the arithmetic the engine should not do —
Decimal money, hit policies, caps, allocation to the fen and deadlines.
"""

"""tiaojie 调解 — rules-driven mediation and incentive calculator.

The core package. It never imports the terminal UI (``textual`` / ``tui``); a test keeps it so.
"""

__version__ = "0.1.0"

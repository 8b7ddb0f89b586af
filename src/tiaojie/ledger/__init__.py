"""The ledger: cases, periods and payouts, dividends, banquets and the audit log, as services."""

"""Post-solve: extraction, ledger, writers, charts, explain, diff."""

"""Post-solve: extraction, ledger, writers, charts, explain, diff."""

# the results workbook's sheets, in their order (SPEC §5); here, not in `workbook`, so that a
# solve imports the writer (xlsxwriter, charts) only once HiGHS runs (`pipeline.run`)
SHEET_ORDER = (
    "Summary",
    "Projects",
    "PriceFloors",
    "ReferencePrices",
    "Offtake",
    "Stockpile",
    "Supply",
    "Concentration",
    "Targets",
    "Shortfall",
    "Scenarios",
    "Ledger",
    "RunInfo",
)

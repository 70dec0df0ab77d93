"""Portfolio, sections, public page, share links, export and the journal (issue: portfolios)."""

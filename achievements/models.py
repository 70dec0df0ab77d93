"""Achievements and their evidence files (issue: achievements with file evidence)."""

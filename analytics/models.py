"""Activity log, engagement metrics and the analytics dashboards."""

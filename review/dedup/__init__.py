"""Deduplication: a pure matching core (normalize, record, blocking, compare, classify, cluster,
engine) and its Django side (services, groups, decisions, selectors, jobs, views)."""

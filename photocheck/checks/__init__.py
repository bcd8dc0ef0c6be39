"""Checks: one small function per check id, each returning a CheckResult."""

"""Exam rules as data: the profile schema, its validator and the materials table."""

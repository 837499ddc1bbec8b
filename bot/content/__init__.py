"""Lesson content: the schema trainers write to, loading, rendering and checking it."""

"""The application layer: what sits between the channels and the core.

`LearningService` (`service.py`) loads a learner, hands each input to its desks in turn — data
rights, hand-offs, attaching, mentoring, the report, certificates — and otherwise to the pure
`LessonEngine`, and commits the change with the reply owed. Channels know only this package; the
core and the store know nothing of it.
"""

"""Rendering trainer templates: sandboxed Jinja2 with the glossary, snippets and the learner's name.

A lesson is rendered whole, in reading order, so that a glossary term is explained the first time
it appears in the lesson and named plainly after that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.models import Lesson, Term
from bot.lru import LruCache

if TYPE_CHECKING:  # Jinja is imported when a template is first compiled, not at start (about 30 ms)
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

# Lessons rendered for a learner's name are kept for the learners active now, not for everyone an
# evening wave reminded once: 4,096 of them (about 3 KB each) took 17 MB; a miss costs under 1 ms.
_RENDER_CACHE_SIZE = 512


class RenderError(Exception):
    """A template could not be rendered; `field` says which part of the lesson."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RenderedQuestion:
    ask: str
    options: tuple[str, ...]
    explain: str


@dataclass(frozen=True)
class RenderedLesson:
    """Everything a learner reads in one lesson, in one language, as plain text."""

    title: str
    steps: tuple[str, ...]
    questions: tuple[RenderedQuestion, ...]
    task: str
    follow_up: str | None


def _clean(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return "\n".join(lines)


class TemplateRenderer:
    """Compiles every template once and renders lessons for a learner."""

    def __init__(self, snippets_dir: Path, glossary: dict[str, Term]) -> None:
        self.snippets_dir = snippets_dir
        self.glossary = glossary
        self._compiled: dict[str, Template] = {}
        self._lessons: LruCache[tuple[str, str, str, str], RenderedLesson] = LruCache(_RENDER_CACHE_SIZE)

    def __reduce__(self) -> tuple[type[TemplateRenderer], tuple[Path, dict[str, Term]]]:
        """Pickled as what builds it (the remembered content, `check_cache`): compiled templates and
        rendered lessons are rebuilt as learners reach them, not carried in the file."""
        return TemplateRenderer, (self.snippets_dir, self.glossary)

    @cached_property
    def env(self) -> SandboxedEnvironment:
        """Made when a template is first compiled: most fields are plain text, never compiled."""
        from jinja2 import FileSystemLoader, StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        return SandboxedEnvironment(
            loader=FileSystemLoader(str(self.snippets_dir)),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
        )

    def snippet_names(self, lang: str) -> set[str]:
        """The snippets written in `lang`: "machinery_safety" for machinery_safety.zh.j2."""
        suffix = f".{lang}.j2"
        return {n[: -len(suffix)] for n in self.env.list_templates() if n.endswith(suffix)}

    def compile(self, source: str) -> Template:
        template = self._compiled.get(source)
        if template is None:
            template = self.env.from_string(source)
            self._compiled[source] = template
        return template

    def _helpers(self, lang: str, seen: set[str]) -> dict[str, Callable[[str], str]]:
        def term(key: str) -> str:
            entry = self.glossary.get(key)
            if entry is None:
                raise RenderError("term", f'"{key}" is not in the glossary (content/glossary/)')
            shown = entry.display(key, lang)
            if key in seen:
                return shown
            seen.add(key)
            explanation = entry.explanation(lang)
            return f"{shown}（{explanation}）" if lang == "zh" else f"{shown} ({explanation})"

        def snippet(name: str) -> str:
            from jinja2 import TemplateError

            try:
                template = self.env.get_template(f"{name}.{lang}.j2")
            except TemplateError as exc:
                # Jinja's own message names the snippets folder by its full path: say it plainly.
                raise RenderError(
                    "snippet", f'snippet "content/snippets/{name}.{lang}.j2" not found'
                ) from exc
            return _clean(template.render(term=term, lang=lang))

        return {"term": term, "snippet": snippet}

    def render_text(self, source: str, lang: str, name: str, seen: set[str], field: str) -> str:
        if "{" not in source:
            # Plain text (most of a lesson's fields) reads the same through Jinja: not compiled, a
            # compiled template per field of every lesson took about 4 MB by the end of a wave.
            return _clean(source)
        from jinja2 import TemplateError

        try:
            helpers = self._helpers(lang, seen)
            return _clean(self.compile(source).render(name=name, lang=lang, **helpers))
        except RenderError as exc:
            raise RenderError(field, exc.message) from exc
        except TemplateError as exc:
            raise RenderError(field, f"template error: {exc}") from exc
        except Exception as exc:  # {{ name() }} and the like fail in Python, not in Jinja
            raise RenderError(field, f"template error: {exc}") from exc

    def render_title(self, lesson: Lesson, lang: str, name: str) -> str:
        """A lesson's title alone (a reminder or a menu names the lesson), as `render_lesson` gives
        it (it comes first there too), without rendering and keeping the whole lesson for it."""
        rendered = self._lessons.peek((lesson.id, lesson.source, lang, name))
        if rendered is not None:
            return rendered.title
        return self.render_text(lesson.title.get(lang), lang, name, set(), f"title.{lang}")

    def render_lesson(self, lesson: Lesson, lang: str, name: str) -> RenderedLesson:
        """Render a lesson for one learner; results are kept for the most recent learners."""
        key = (lesson.id, lesson.source, lang, name)
        return self._lessons.get_or_make(key, lambda: _render(self, lesson, lang, name))


def _render(renderer: TemplateRenderer, lesson: Lesson, lang: str, name: str) -> RenderedLesson:
    seen: set[str] = set()

    def r(source: str, field: str) -> str:
        return renderer.render_text(source, lang, name, seen, f"{field}.{lang}")

    title = r(lesson.title.get(lang), "title")
    steps = tuple(r(step.template(lang), f"steps[{i + 1}]") for i, step in enumerate(lesson.steps))
    questions = tuple(
        RenderedQuestion(
            ask=r(q.ask.get(lang), f"questions[{i + 1}].ask"),
            options=tuple(
                r(opt.get(lang), f"questions[{i + 1}].options[{j + 1}]") for j, opt in enumerate(q.options)
            ),
            explain=r(q.explain.get(lang), f"questions[{i + 1}].explain"),
        )
        for i, q in enumerate(lesson.questions)
    )
    task = r(lesson.practice.task.get(lang), "practice.task")
    follow = lesson.practice.follow_up
    follow_up = r(follow.question.get(lang), "practice.follow_up.question") if follow else None
    return RenderedLesson(title, steps, questions, task, follow_up)

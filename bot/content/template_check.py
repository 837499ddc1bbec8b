"""Reading a trainer's template before anyone sees it: Jinja syntax slips, unknown variables,
calls on things that are not functions, glossary terms and snippets that do not exist.

Each slip comes with its line inside the template and a message in both languages (with a
"did you mean" for mistyped names), so the loader can point at the exact line of the lesson file.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError, meta, nodes

from bot.content.explain import Said, did_you_mean, join, suggestion
from bot.content.models import Term

LESSON_NAMES = ("name", "lang")
HELPERS = ("term", "snippet")
SAFE_USE: Said = (
    '模板里只能用 {{ name }}、{{ term("术语") }} 和 {{ snippet("片段") }}。',
    'a template can only use {{ name }}, {{ term("key") }} and {{ snippet("name") }}.',
)


@dataclass(frozen=True)
class Slip:
    line: int  # inside the template, counted from 1
    said: Said


def syntax_words(message: str) -> Said:
    """Jinja's syntax error message, as the mistake a person made."""
    if "unexpected char" in message and any(q in message for q in "“”‘’"):
        return (
            "模板里要用英文引号 \" 或 '，不能用中文引号 “ ”。",
            "use straight quotes \" or ' inside {{ }}, not curly ones “ ”.",
        )
    if "unexpected end of template" in message or "end of print statement" in message:
        return (
            "{{ 和 }} 没有配对：每个 {{ 后面要有 }}，中间只写一个名字。",
            "{{ and }} do not pair up: every {{ needs a }}, with one name between them.",
        )
    if "unexpected '}'" in message:
        return ("多了一个 }：检查 {{ 和 }} 是否成对。", "a stray }: check that {{ and }} pair up.")
    return f"模板写法有错（{message}）。", f"template error: {message}"


def _suggest_term(key: str, glossary: Mapping[str, Term]) -> list[str]:
    """Keys that show as `key` (SKU → ecom_sku) or end in it, before close spellings."""
    folded = key.casefold()
    by_name = [
        k
        for k, t in glossary.items()
        if k.casefold().endswith("_" + folded)
        or (t.name and folded in (t.name.zh.casefold(), t.name.en.casefold()))
    ]
    return did_you_mean(key, glossary, extra=sorted(by_name))


def _call_slips(
    call: nodes.Call, known: Collection[str], glossary: Mapping[str, Term], snippets: Collection[str]
) -> list[Slip]:
    line = call.lineno
    target = call.node
    if not isinstance(target, nodes.Name):
        return [Slip(line, SAFE_USE)]
    fn = target.name
    if fn not in HELPERS:
        if fn in known:
            return [
                Slip(
                    line,
                    (
                        f"{fn} 不是函数，后面不要加括号：请写成 {{{{ {fn} }}}}。",
                        f"{fn} is not a function: write {{{{ {fn} }}}} without brackets.",
                    ),
                )
            ]
        return []  # an unknown name is reported once, as an unknown variable
    arg = call.args[0] if len(call.args) == 1 and not call.kwargs else None
    if not (isinstance(arg, nodes.Const) and isinstance(arg.value, str)):
        return [
            Slip(
                line,
                (
                    f'{fn} 后面的括号里要写一个带引号的名字，比如 {fn}("ecom_sku")。',
                    f'{fn} needs one name in quotes, like {fn}("ecom_sku").',
                ),
            )
        ]
    value = arg.value
    if fn == "term" and value not in glossary:
        said = join(
            (
                f"术语“{value}”不在术语表（content/glossary/）里。",
                f'"{value}" is not in the glossary (content/glossary/).',
            ),
            suggestion(_suggest_term(value, glossary)),
        )
        return [Slip(line, said)]
    if fn == "snippet" and value not in snippets:
        said = join(
            (
                f"找不到片段“{value}”（content/snippets/{value}.zh.j2 / .en.j2）。",
                f'no snippet "{value}" (content/snippets/{value}.zh.j2 / .en.j2).',
            ),
            suggestion(did_you_mean(value, snippets)),
        )
        return [Slip(line, said)]
    return []


def template_slips(
    env: Environment,
    source: str,
    glossary: Mapping[str, Term],
    snippets: Collection[str],
    known: Collection[str] = LESSON_NAMES,
    helpers: Collection[str] = HELPERS,
) -> list[Slip]:
    """Everything wrong with one template that can be seen without rendering it."""
    if "{" not in source:
        return []  # plain text: nothing to check, and most steps are plain text
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        return [Slip(exc.lineno, syntax_words(exc.message or ""))]
    slips: list[Slip] = []
    allowed = set(known) | set(helpers)
    unknown = meta.find_undeclared_variables(tree) - allowed
    for name in sorted(unknown):
        first = next(n for n in tree.find_all(nodes.Name) if n.name == name)
        said = join(
            (f"不认识的名字“{name}”。", f'"{name}" is not something a template knows.'),
            suggestion(did_you_mean(name, allowed)),
            SAFE_USE if not did_you_mean(name, allowed) else ("", ""),
        )
        slips.append(Slip(first.lineno, said))
    for call in tree.find_all(nodes.Call):
        slips.extend(_call_slips(call, known, glossary, snippets))
    for attr in tree.find_all(nodes.Getattr):
        if attr.attr.startswith("_"):
            slips.append(Slip(attr.lineno, SAFE_USE))
    return slips


def used_names(env: Environment, source: str) -> tuple[set[str], set[str]]:
    """The glossary terms and snippets a template names (for "never used" warnings)."""
    terms: set[str] = set()
    snippets: set[str] = set()
    if "{" not in source:
        return terms, snippets
    try:
        tree = env.parse(source)
    except TemplateSyntaxError:
        return terms, snippets
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.args and isinstance(call.args[0], nodes.Const):
            target = {"term": terms, "snippet": snippets}.get(call.node.name)
            if target is not None:
                target.add(str(call.args[0].value))
    return terms, snippets

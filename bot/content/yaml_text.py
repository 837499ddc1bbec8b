"""Parsing YAML for content files: libyaml's C parser where PyYAML has it (its wheels do), which
reads the lessons and the FAQ bank about ten times faster than the pure-Python one; the same safe
subset of YAML either way, and the same errors with line and column.

`parse_with_places` also keeps where each value was written, so a problem found later (a missing
field, a template slip) can be shown with its line and column, and refuses a key written twice in
one mapping (plain YAML would silently keep the last one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    return yaml.load(text, Loader=SafeLoader)


@dataclass(frozen=True)
class Spot:
    """A place in a file, counted from 1 as editors count; `block` when the value is a `|` text."""

    line: int
    column: int
    block: bool = False


class DuplicateKey(yaml.MarkedYAMLError):
    """The same key twice in one mapping: the first value would be lost without a word."""


@dataclass(frozen=True)
class Places:
    """Where each value of a parsed YAML document was written, looked up by its path of keys and
    list positions (counted from 0, as pydantic reports them)."""

    root: yaml.Node | None

    def find(self, path: Sequence[str | int]) -> Spot | None:
        """The value at `path`, or the nearest enclosing value when it is missing."""
        node = self.root
        spot = _spot(node) if node is not None else None
        for part in path:
            child = _child(node, part) if node is not None else None
            if child is None:
                return spot
            key_node, node = child
            spot = _spot(node) if node.start_mark.line != key_node.start_mark.line else _spot(key_node)
            if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
                spot = Spot(_spot(key_node).line, _spot(key_node).column, block=True)
        return spot


def _spot(node: yaml.Node) -> Spot:
    return Spot(node.start_mark.line + 1, node.start_mark.column + 1)


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item = node.value[part]
        return item, item
    return None


def _check_duplicate_keys(node: yaml.Node | None) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise DuplicateKey(
                        "while reading a mapping",
                        seen[key.value].start_mark,
                        f"found the key {key.value!r} a second time",
                        key.start_mark,
                    )
                seen[key.value] = key
            _check_duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item)


def parse_with_places(text: str) -> tuple[Any, Places]:
    """Parse once into data and the places of its values; raises yaml.YAMLError as parse_yaml does."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        _check_duplicate_keys(node)
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, Places(node)

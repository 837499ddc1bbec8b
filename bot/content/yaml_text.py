"""Parsing YAML for content files: libyaml's C parser where PyYAML has it (its wheels do), which
reads the lessons and the FAQ bank about ten times faster than the pure-Python one; the same safe
subset of YAML either way, and the same errors with line and column.
"""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    return yaml.load(text, Loader=SafeLoader)

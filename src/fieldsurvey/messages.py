"""Message codes with parameters, and the one zh/en catalogue that words them.

The core never builds a sentence: it returns a :class:`Message` (a code and its
parameters). The UI and the command line render it in the user's language from
``resources/i18n/<lang>/*.toml`` (one file per area, merged; a code defined
twice is an error). Keys there are dotted: ``[uscc] bad_check = ...`` is the
code ``uscc.bad_check``.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from fieldsurvey.resources import resource

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


@dataclass(frozen=True)
class Message:
    """A user-facing message before it is put into words."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return render(self.code, lang, **self.params)


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            _flatten(name, value, out)
        else:
            out[name] = str(value)


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Every message template for ``lang``, keyed by code."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    out: dict[str, str] = {}
    for path in sorted(resource("i18n", lang).glob("*.toml")):
        with path.open("rb") as fh:
            part: dict[str, str] = {}
            _flatten("", tomllib.load(fh), part)
        twice = sorted(set(part) & set(out))
        if twice:
            raise ValueError(f"{path}: message codes defined twice: {twice}")
        out.update(part)
    return out


class _Lenient(dict[str, Any]):
    """Leaves an unknown ``{placeholder}`` visible instead of failing a render."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(code: str, lang: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The message for ``code`` in ``lang``; falls back to Chinese, then to the code."""
    template = catalogue(lang).get(code) or catalogue(DEFAULT_LANGUAGE).get(code)
    if template is None:
        return code + (f" {dict(params)}" if params else "")
    # A parameter may itself be a Message (an error wrapping a cause): word it too.
    words = {k: v.render(lang) if isinstance(v, Message) else v for k, v in params.items()}
    return string.Formatter().vformat(template, (), _Lenient(words))


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses (for catalogue consistency tests)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}

"""Text to :class:`Expression`: a LALR parse with lark, then a small tree of our own.

Parsing is pure and the form engine re-parses the same few hundred sources
constantly, so :func:`parse` is memoised on the source text.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from importlib import resources

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from fieldsurvey.forms.expr.errors import ExpressionSyntaxError
from fieldsurvey.forms.expr.nodes import (
    Binary,
    Call,
    ChoiceRef,
    Current,
    FieldRef,
    Literal,
    Negate,
    Node,
)
from fieldsurvey.forms.expr.signatures import SUPPORTED_FUNCTIONS, arity_problem
from fieldsurvey.messages import Message

_OPERATORS = {
    "OR": "or", "AND": "and", "EQ": "=", "NE": "!=", "LT": "<", "LE": "<=", "GT": ">",
    "GE": ">=", "PLUS": "+", "MINUS": "-", "STAR": "*", "DIV": "div", "MOD": "mod",
}  # fmt: skip

# Characters that only appear in the XPath we do not support (paths, predicates,
# attributes, unions, variables); seeing one gets a more helpful message.
_PATH_CHARS = frozenset("/[]@|")


@dataclass(frozen=True)
class Expression:
    """A parsed expression and what it refers to (for dependency tracking)."""

    source: str
    field_refs: frozenset[str]
    functions: frozenset[str]
    unknown_functions: frozenset[str]
    choice_refs: frozenset[str]
    uses_current: bool
    # The source determines the tree; comparing or hashing it would only cost.
    tree: Node = field(compare=False, repr=False)


@functools.cache
def _lark() -> Lark:
    grammar = resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual")


@functools.lru_cache(maxsize=4096)
def parse(source: str) -> Expression:
    """Parse ``source``; raises :class:`ExpressionSyntaxError` if it is not accepted."""
    if not source.strip():
        raise ExpressionSyntaxError(Message("expr.empty"), position=0)
    try:
        tree = _lark().parse(source)
    except UnexpectedInput as exc:
        raise _syntax_error(source, exc) from None
    builder = _Builder()
    try:
        root = builder.build(tree)
    except RecursionError:
        # Only absurdly deep nesting gets here; refuse it rather than crash.
        raise ExpressionSyntaxError(Message("expr.too_complex"), position=None) from None
    return Expression(
        source=source,
        field_refs=frozenset(builder.field_refs),
        functions=frozenset(builder.functions),
        unknown_functions=frozenset(builder.functions - SUPPORTED_FUNCTIONS),
        choice_refs=frozenset(builder.choice_refs),
        uses_current=builder.uses_current,
        tree=root,
    )


class _Builder:
    """Turns lark's tree into :mod:`nodes`, noting references on the way."""

    def __init__(self) -> None:
        self.field_refs: set[str] = set()
        self.functions: set[str] = set()
        self.choice_refs: set[str] = set()
        self.uses_current = False

    def build(self, item: Tree[Token] | Token) -> Node:
        if isinstance(item, Token):  # the grammar wraps every token in a named rule
            raise TypeError(f"unexpected token {item!r}")
        kids = item.children
        match item.data:
            case "number":
                return Literal(float(_token(kids[0])))
            case "string":
                return Literal(_token(kids[0])[1:-1])
            case "field_ref":
                name = str(_token(kids[0]))[2:-1]
                self.field_refs.add(name)
                return FieldRef(name)
            case "choice_ref":
                name = str(_token(kids[0]))  # a plain str, not lark's Token subclass
                self.choice_refs.add(name)
                return ChoiceRef(name)
            case "current":
                self.uses_current = True
                return Current()
            case "negate":
                return Negate(self.build(kids[-1]))
            case "binary":
                left, op, right = kids
                return Binary(_OPERATORS[_token(op).type], self.build(left), self.build(right))
            case "call":
                return self._call(kids)
        raise TypeError(f"unexpected rule {item.data!r}")

    def _call(self, kids: list[Tree[Token] | Token]) -> Call:
        name_token = _token(kids[0])
        name = str(name_token)
        args: tuple[Node, ...] = ()
        if len(kids) > 1 and isinstance(kids[1], Tree):
            args = tuple(self.build(arg) for arg in kids[1].children)
        self.functions.add(name)
        if name in SUPPORTED_FUNCTIONS:
            problem = arity_problem(name, len(args))
            if problem is not None:
                raise ExpressionSyntaxError(
                    Message("expr.arity", problem), position=name_token.start_pos
                )
        return Call(name, args, name_token.start_pos)


def _token(item: Tree[Token] | Token) -> Token:
    if not isinstance(item, Token):
        raise TypeError(f"expected a token, got {item!r}")
    return item


def _syntax_error(source: str, exc: UnexpectedInput) -> ExpressionSyntaxError:
    """Translate lark's exception into a Message a form author can act on."""
    if isinstance(exc, UnexpectedEOF) or (
        isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    ):
        return ExpressionSyntaxError(Message("expr.unexpected_end"), position=len(source))
    if isinstance(exc, UnexpectedToken):
        position = exc.token.start_pos if exc.token.start_pos is not None else 0
        near = str(exc.token)
        if near == "." and position > 0 and source[position - 1] == ".":
            return _located("expr.unsupported_path", source, position - 1, "..")
        return _located("expr.syntax", source, position, near)
    position = exc.pos_in_stream if isinstance(exc, UnexpectedCharacters) else 0
    position = min(max(position or 0, 0), len(source))
    char = source[position : position + 1]
    if char in {"'", '"'}:
        return _located("expr.unterminated_string", source, position, char)
    if char and char in _PATH_CHARS:
        return _located("expr.unsupported_path", source, position, char)
    if char and _is_fullwidth_punctuation(char):
        return _located("expr.fullwidth", source, position, char)
    return _located("expr.syntax", source, position, char)


def _located(code: str, source: str, position: int, near: str) -> ExpressionSyntaxError:
    # column is 1-based for people; position stays 0-based for code.
    params = {"near": near, "column": position + 1, "position": position, "source": source}
    return ExpressionSyntaxError(Message(code, params), position=position)


def _is_fullwidth_punctuation(char: str) -> bool:
    """（ ） ， ＝ “ and friends, typed by a Chinese input method by mistake."""
    wide = unicodedata.east_asian_width(char) in {"F", "W", "A"}
    return wide and unicodedata.category(char)[0] in {"P", "S", "Z"}

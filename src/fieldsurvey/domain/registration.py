"""Registration types of the surveyed organizations and what their USCC should start with.

The type codes are the choice names of ``reg_type`` in the shipped form
(``forms/so_union_visit.xlsx``, list ``reg_type``), plus ``union`` for the
code of a trade union itself (asked as the union's own USCC).

GB 32100-2015: character 1 of a USCC is the registering authority, character 2
the kind of organization under that authority. The prefixes used here:

=====  ==========================================================
``5``  civil affairs (民政): ``51`` 社会团体, ``52`` 民办非企业单位
       (社会服务机构), ``53`` 基金会, ``59`` other
``3``  justice (司法行政): ``31`` 律师执业机构 (law firms)
``8``  trade unions (工会): ``81`` 基层工会 (grassroots unions)
``9``  market regulation (市场监管): ``91`` enterprises and partnerships
=====  ==========================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: For each registration type, the USCC prefixes that agree with it; ``None``
#: means the type has no fixed prefix and is never cross-checked.
#:
#: - ``community``: 城乡社区社会组织 are mostly *filed* (备案) rather than
#:   registered and often have no code; those that are registered hold
#:   whichever civil-affairs kind fits them, so any ``5x`` the standard
#:   defines is accepted.
#: - ``intermediary``: 社会中介组织 is a functional category (evaluation,
#:   consulting, agencies...) that spans civil-affairs and market-regulation
#:   registrations, so there is nothing to check.
#: - ``accounting_firm``: accounting firms are licensed by the finance
#:   departments but registered by market regulation (``91``, as companies
#:   or partnerships); some local registrations fall under justice-style or
#:   other schemes, so we are lenient: any code from market regulation
#:   (``9``) or justice (``3``) passes, and only a clearly different authority
#:   (civil affairs ``5``, trade unions ``8``, establishment ``1``...) warns.
#: - ``other``: anything goes.
USCC_PREFIXES: Mapping[str, tuple[str, ...] | None] = MappingProxyType(
    {
        "social_group": ("51",),
        "private_non_enterprise": ("52",),
        "foundation": ("53",),
        "intermediary": None,
        "community": ("51", "52", "53", "59"),
        "law_firm": ("31",),
        "accounting_firm": ("9", "3"),
        "other": None,
        "union": ("81",),
    }
)

#: The registration types of surveyed organizations, in the form's order.
REGISTRATION_TYPES: tuple[str, ...] = tuple(t for t in USCC_PREFIXES if t != "union")


def expected_prefixes(registration_type: str | None) -> tuple[str, ...] | None:
    """USCC prefixes that agree with ``registration_type``; ``None`` when not checked.

    Unknown or empty types are not checked either: the form may gain a type
    before this table does, and a warning the officer cannot act on helps nobody.
    """
    if not registration_type:
        return None
    return USCC_PREFIXES.get(registration_type.strip())

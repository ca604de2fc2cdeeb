"""Prune a stylesheet to the rules a set of pages uses (for the notebooks' JupyterLab CSS).

Used by scripts/mkdocs_hooks.py; kept apart so it can be read and tested on its own.
"""

from __future__ import annotations

import re

__all__ = ["prune_css"]

FUNCTIONAL_PSEUDO = re.compile(r":(?:not|is|where|has)\([^()]*\)")
CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")


def prune_css(css: str, used: set[str], extra_text: str = "") -> str:
    """``css`` without the rules whose selectors need a class no page uses.

    A selector is kept when every class it names (outside ``:not()``, ``:is()``...) is in
    ``used`` (so element, attribute and ``:root`` rules, which hold the theme's variables,
    always stay); a rule is kept when one of its selectors is. At-rules are kept, with the
    rules inside ``@media`` pruned.
    Then custom properties (``--x: ...``) that nothing reads with ``var(--x)``, in the kept
    rules or in ``extra_text`` (the pages' own inline styles), are dropped too.
    """
    import tinycss2  # the docs extra; nbconvert depends on it too

    def keep(selector: str) -> bool:
        # Classes inside :not(), :is(), :where(), :has() are not all required (.a:not(.b)
        # matches without .b; :is(.a, .b) needs one of them): such selectors are kept.
        return all(c in used for c in CSS_CLASS.findall(FUNCTIONAL_PSEUDO.sub("", selector)))

    def selectors_of(prelude) -> list[str]:
        selectors, current = [], []  # split at top-level commas only (not in :is(a, b))
        for token in [*prelude, None]:
            if token is None or (token.type == "literal" and token.value == ","):
                selectors.append(tinycss2.serialize(current).strip())
                current = []
            else:
                current.append(token)
        return selectors

    def tree(rules) -> list:
        out = []
        for rule in rules:
            if rule.type == "qualified-rule":
                kept = [x for x in selectors_of(rule.prelude) if keep(x)]
                if kept:
                    decls = [d for d in tinycss2.parse_declaration_list(
                        rule.content, skip_comments=True, skip_whitespace=True) if d.type == "declaration"]
                    out.append((",".join(kept), decls))
            elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content:
                inner = tree(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
                if inner:
                    out.append((f"@media {tinycss2.serialize(rule.prelude).strip()}", inner))
            elif rule.type == "at-rule":
                out.append(tinycss2.serialize([rule]).strip())
        return out

    def text(items, wanted) -> str:
        lines = []
        for item in items:
            if isinstance(item, str):
                lines.append(item)
                continue
            head, body = item
            if head.startswith("@media"):
                inner = text(body, wanted)
                if inner:
                    lines.append(f"{head}{{{inner}}}")
                continue
            decls = [f"{d.name}:{tinycss2.serialize(d.value).strip()}{'!important' if d.important else ''}"
                     for d in body if wanted is None or not d.name.startswith("--") or d.name in wanted]
            if decls:
                lines.append(f"{head}{{{';'.join(decls)}}}")
        return "\n".join(lines)

    items = tree(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    wanted, out = None, text(items, None)
    while True:  # a dropped variable may have been the only reader of another
        now = set(VAR_USE.findall(out)) | set(VAR_USE.findall(extra_text))
        if now == wanted:
            return out + "\n"
        wanted, out = now, text(items, now)

"""The safe selector language of workflows: Arazzo runtime expressions with JMESPath tails. Nothing is `eval`ed.

A value in a step's arguments, outputs or criteria is either a constant or an expression (a string that starts
with `$`):

- `$inputs.owner`, `$steps.find.outputs.id`, `$item`, `$item.name`, `$index`: the workflow's inputs, an earlier
  step's named outputs, the current element of a `for_each` loop;
- `$response.body`, `$response.body#/0/id` (a JSON pointer, as Arazzo writes it), `$response.header.Link`,
  `$statusCode`, `$url`, `$method`: the response of the step being checked (outputs and success criteria only);
- anything after the leading dotted names is a JMESPath tail evaluated on that value:
  `$steps.repos.outputs.items | max_by(@, &updated_at).name`, `$response.body[?login=='ada'] | [0].id`.

`$$text` is the literal `$text`; a string with `{$inputs.x}` inside is a template (`"Hello {$inputs.name}"`).
Success criteria use Arazzo's simple conditions: `$statusCode == 200`, `$response.body#/total > 0`, joined by
`&&` or `||`; `regex` and `jsonpath`-style conditions are supported for the common subset.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

import jmespath
import jmespath.exceptions

from apiforge.errors import ApiforgeError

__all__ = [
    "ExpressionError",
    "evaluate",
    "evaluate_condition",
    "is_expression",
    "json_pointer",
    "references",
    "resolve",
]

_HEAD = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_\-]+)*)")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TEMPLATE = re.compile(r"\{(\$[^{}]+)\}")
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">")


class ExpressionError(ApiforgeError):
    """An expression that cannot be parsed or evaluated (carries the `expression`)."""

    def __init__(self, message: str, *, expression: str) -> None:
        self.expression = expression
        super().__init__(f"{message} (in {expression!r})")


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("$") and not value.startswith("$$")


@functools.lru_cache(maxsize=512)
def _compile(text: str) -> Any:
    return jmespath.compile(text)


def _split(expression: str) -> tuple[str, str, str]:
    """`$steps.a-b.outputs.x[0]#/p` → (jmespath head `steps."a-b".outputs.x`, tail `[0]`, pointer `/p`)."""
    match = _HEAD.match(expression)
    if match is None:
        raise ExpressionError("an expression starts with $ and a name", expression=expression)
    root, dotted = match.group(1), match.group(2)
    rest = expression[match.end() :]
    pointer = ""
    if rest.startswith("#"):
        pointer, rest = rest[1:], ""
    parts = [root] + [p for p in dotted.split(".") if p]
    if root == "response" and len(parts) >= 3 and parts[1] == "header":
        # Header names carry dashes and are case-insensitive: the context stores them lower-cased.
        parts = [root, "header", ".".join(parts[2:]).lower()]
    head = ".".join(p if _IDENT.match(p) else json.dumps(p) for p in parts)
    return head, rest.strip(), pointer


def evaluate(expression: str, context: Mapping[str, Any]) -> Any:
    """The value of one expression (see the module docstring) in `context`.

    `{$inputs.x}` inside a JMESPath tail is replaced by the value as a quoted JMESPath literal, so a selector can
    filter by an input without ever building code from it: `$response.body[?email=={$inputs.email}] | [0].id`."""
    if "{$" in expression[1:]:
        expression = _TEMPLATE.sub(lambda m: _literal(evaluate(m.group(1), context)), expression)
    head, tail, pointer = _split(expression)
    try:
        value = _compile(head).search(dict(context))
        if pointer:
            value = json_pointer(value, pointer, expression)
        if tail:
            tail = tail[1:].strip() if tail.startswith("|") else tail
            text = tail if not tail.startswith((".", "[")) else "@" + tail
            value = _compile(text).search(value)
    except jmespath.exceptions.JMESPathError as exc:
        raise ExpressionError(f"not a valid selector: {exc}", expression=expression) from None
    return value


def json_pointer(value: Any, pointer: str, expression: str = "") -> Any:
    """RFC 6901: `/0/id` in `value`; None when a step is missing (as a selector would)."""
    if pointer in ("", "/"):
        return value if pointer == "" else (value.get("") if isinstance(value, dict) else None)
    if not pointer.startswith("/"):
        raise ExpressionError("a JSON pointer starts with '/'", expression=expression or pointer)
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, list):
            if not token.isdigit() or int(token) >= len(value):
                return None
            value = value[int(token)]
        elif isinstance(value, dict):
            if token not in value:
                return None
            value = value[token]
        else:
            return None
    return value


def resolve(value: Any, context: Mapping[str, Any]) -> Any:
    """`value` with every expression in it (nested in dicts and lists, or templated in strings) evaluated."""
    if isinstance(value, str):
        if value.startswith("$$"):
            return value[1:]
        if value.startswith("$"):
            return evaluate(value, context)
        if "{$" in value:
            return _TEMPLATE.sub(lambda m: _text(evaluate(m.group(1), context)), value)
        return value
    if isinstance(value, dict):
        return {k: resolve(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, context) for v in value]
    return value


def _literal(value: Any) -> str:
    """A JMESPath literal for `value`: a raw string `'...'` for text, a JSON literal otherwise."""
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "`" + json.dumps(value).replace("`", "\\`") + "`"


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


def references(value: Any) -> set[str]:
    """Step ids an argument value reads (`$steps.ID...`): the data dependencies of a step."""
    found: set[str] = set()
    if isinstance(value, str):
        for match in re.finditer(r"\$steps\.([A-Za-z0-9_\-]+)", value):
            found.add(match.group(1))
    elif isinstance(value, dict):
        for v in value.values():
            found |= references(v)
    elif isinstance(value, list):
        for v in value:
            found |= references(v)
    return found


# -- conditions ------------------------------------------------------------------------------------------------


def evaluate_condition(condition: str, context: Mapping[str, Any], *, kind: str = "simple", on: str = "") -> bool:
    """Whether an Arazzo criterion holds: `simple` (`$statusCode == 200 && $response.body#/n > 0`), `regex`
    (the pattern matches the text of `on`), `jsonpath` (a simple JSONPath such as `$[0]` or `$.data[0].id`
    finds a truthy value in `on`) or `jmespath` (the selector over `on` is truthy)."""
    if kind == "regex":
        subject = evaluate(on, context) if on else None
        return re.search(condition, _text(subject) if subject is not None else "") is not None
    if kind in ("jsonpath", "jmespath"):
        subject = evaluate(on, context) if on else dict(context)
        selector = _jsonpath_to_jmespath(condition) if kind == "jsonpath" else condition
        try:
            return _truthy(_compile(selector).search(subject))
        except jmespath.exceptions.JMESPathError as exc:
            raise ExpressionError(f"not a valid selector: {exc}", expression=condition) from None
    if kind != "simple":
        raise ExpressionError(f"unsupported criterion type {kind!r}", expression=condition)
    for alternative in _split_outside_quotes(condition, "||"):
        if all(_comparison(part, context) for part in _split_outside_quotes(alternative, "&&")):
            return True
    return False


def _truthy(value: Any) -> bool:
    return value not in (None, False, "", [], {})


def _jsonpath_to_jmespath(path: str) -> str:
    """`$`, `$.data[0].id`, `$[*].name` → JMESPath; anything richer is rejected rather than guessed."""
    text = path.strip()
    if not text.startswith("$") or re.search(r"\.\.|\?|\(|@", text):
        raise ExpressionError("only simple JSONPath (names, [n], [*]) is supported", expression=path)
    rest = text[1:]
    if not rest:
        return "@"
    return ("@" + rest) if rest.startswith(("[", ".")) else rest


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts, start, quote, i = [], 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif text.startswith(separator, i):
            parts.append(text[start:i])
            start = i + len(separator)
            i += len(separator)
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _comparison(text: str, context: Mapping[str, Any]) -> bool:
    negate = False
    while text.startswith("!") and not text.startswith("!="):
        negate, text = not negate, text[1:].strip()
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
            continue
        if ch in "'\"":
            quote = ch
            continue
        for op in _OPERATORS:
            if text.startswith(op, i) and not (op in ("<", ">") and text.startswith(op + "=", i)):
                left, right = _operand(text[:i], context), _operand(text[i + len(op) :], context)
                return _compare(left, op, right) != negate
    return _truthy(_operand(text, context)) != negate


def _operand(text: str, context: Mapping[str, Any]) -> Any:
    text = text.strip()
    if is_expression(text):
        return evaluate(text, context)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "==":
        return _loose(left) == _loose(right)
    if op == "!=":
        return _loose(left) != _loose(right)
    try:
        a, b = (float(left), float(right)) if _numeric(left) and _numeric(right) else (str(left), str(right))
    except (TypeError, ValueError):
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def _loose(value: Any) -> Any:
    """Arazzo compares case-insensitively for strings; numbers compare by value (`200 == '200'`)."""
    if isinstance(value, bool) or value is None:
        return value
    if _numeric(value):
        return float(value)
    if isinstance(value, str):
        return value.lower()
    return value

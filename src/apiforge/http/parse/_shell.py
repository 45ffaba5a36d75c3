r"""Split shell text into commands of words, the way bash (or cmd.exe, for `^` continuations) would.

`shlex` cannot do this job: it knows neither `$'...'` ANSI-C quoting nor `\`-newline continuations nor command
separators (`;`, `&&`, `|`, newlines), all of which appear in pasted curl commands.
"""

from __future__ import annotations

import re

from apiforge.http._models import placeholder

__all__ = ["split_commands"]

_ANSI_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_SEPARATORS = ("&&", "||", ";", "|", "&", "\n")


def split_commands(text: str) -> list[list[str]]:
    """Commands (lists of words) in `text`; shell variables `$NAME` become `{{name}}` placeholders."""
    text = text.replace("\r\n", "\n")
    windows = bool(re.search(r"\^[ \t]*\n", text))
    if windows:
        text = re.sub(r"\^[ \t]*\n", " ", text)
    text = re.sub(r"`[ \t]*\n", " ", text)  # PowerShell continuation
    text = re.sub(r"(?m)^[ \t]*[$>%][ \t]+", "", text)  # prompts: `$ curl ...`
    commands: list[list[str]] = []
    words: list[str] = []
    word: list[str] = []
    in_word = False
    i, n = 0, len(text)

    def end_word() -> None:
        nonlocal in_word
        if in_word:
            words.append("".join(word))
            word.clear()
            in_word = False

    def end_command() -> None:
        end_word()
        if words:
            commands.append(list(words))
            words.clear()

    while i < n:
        c = text[i]
        if c == "\\" and not windows:
            if i + 1 < n and text[i + 1] == "\n":
                i += 2
                continue
            if i + 1 < n:
                word.append(text[i + 1])
                in_word = True
            i += 2
            continue
        if c == "^" and windows:
            if i + 1 < n:
                word.append(text[i + 1])
                in_word = True
            i += 2
            continue
        if c == "'" and not (windows and in_word):
            end = text.find("'", i + 1)
            end = n if end < 0 else end
            word.append(text[i + 1 : end])
            in_word = True
            i = end + 1
            continue
        if c == "$" and text.startswith("$'", i):
            value, i = _ansi_c(text, i + 2)
            word.append(value)
            in_word = True
            continue
        if c == '"':
            value, i = _double_quoted(text, i + 1, windows)
            word.append(value)
            in_word = True
            continue
        if c == "$":
            m = _VAR.match(text, i)
            if m:
                word.append(placeholder((m.group(1) or m.group(2)).lower()))
                in_word = True
                i = m.end()
                continue
        if c == "#" and not in_word:
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in " \t":
            end_word()
            i += 1
            continue
        sep = next((s for s in _SEPARATORS if text.startswith(s, i)), None)
        if sep == "&" and in_word:
            sep = None  # `a=1&b=2` in an unquoted URL: almost surely meant literally
        if sep:
            end_command()
            i += len(sep)
            continue
        word.append(c)
        in_word = True
        i += 1
    end_command()
    return commands


def _double_quoted(text: str, i: int, windows: bool) -> tuple[str, int]:
    out: list[str] = []
    n = len(text)
    while i < n and text[i] != '"':
        c = text[i]
        if c == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if windows:
                # cmd.exe passes `\"` through; curl's C runtime turns it into `"`.
                out.append(nxt if nxt in '"\\' else c + nxt)
                i += 2
                continue
            if nxt == "\n":
                i += 2
                continue
            out.append(nxt if nxt in '$`"\\' else c + nxt)
            i += 2
            continue
        if c == "$" and not windows:
            m = _VAR.match(text, i)
            if m:
                out.append(placeholder((m.group(1) or m.group(2)).lower()))
                i = m.end()
                continue
        out.append(c)
        i += 1
    return "".join(out), i + 1


def _ansi_c(text: str, i: int) -> tuple[str, int]:
    """Read a `$'...'` string starting after the opening quote (bash ANSI-C quoting)."""
    out = bytearray()
    n = len(text)
    while i < n and text[i] != "'":
        c = text[i]
        if c != "\\" or i + 1 >= n:
            out += c.encode()
            i += 1
            continue
        nxt = text[i + 1]
        i += 2
        if nxt in _ANSI_ESCAPES:
            out += _ANSI_ESCAPES[nxt].encode()
        elif nxt in "01234567":
            m = re.compile(r"[0-7]{1,3}").match(text, i - 1)
            assert m is not None
            out.append(int(m.group(0), 8) & 0xFF)
            i = m.end()
        elif nxt == "x":
            m = re.compile(r"[0-9a-fA-F]{1,2}").match(text, i)
            if m:
                out.append(int(m.group(0), 16))
                i = m.end()
            else:
                out += b"\\x"
        elif nxt in "uU":
            m = re.compile(r"[0-9a-fA-F]{1,4}" if nxt == "u" else r"[0-9a-fA-F]{1,8}").match(text, i)
            if m:
                out += chr(int(m.group(0), 16)).encode("utf-8", "surrogatepass")
                i = m.end()
            else:
                out += ("\\" + nxt).encode()
        elif nxt == "c" and i < n:
            out.append(ord(text[i]) & 0x1F)
            i += 1
        else:
            out += ("\\" + nxt).encode()
    return out.decode("utf-8", "replace"), i + 1

"""List numbers as Word prints them for a number format (w:numFmt): 3 -> '3', 'c', 'C', 'iii', 'III'."""

from __future__ import annotations


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """`n` in the number format `fmt` (Word's names; an unknown one prints decimal)."""
    return {"decimal": str(n), "lowerLetter": _letters(n), "upperLetter": _letters(n).upper(),
            "lowerRoman": _roman(n), "upperRoman": _roman(n).upper()}.get(fmt, str(n))

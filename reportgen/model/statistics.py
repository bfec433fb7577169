"""Statistics computed from the counts a report gives (sums, percentages, changes), shown in house style."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Mapping, Sequence

Operand = float | str
"""A number written in the content, or the name of another statistic."""

Operation = Literal["count", "sum", "percent", "change", "same"]
# "same": the value of another statistic, as it is (a table cell that names a statistic)

NAME = re.compile(r"^[A-Za-z_]\w*$")
"""What a statistic's (or a table's) own name may look like."""

REFERENCE = re.compile(r"^[A-Za-z_]\w*(?:\.\w+)*$")
"""What a reference may look like: a statistic's name, or a table cell's address `grades.q1.good`."""


def canonical(name: str) -> str:
    """The key a name is looked up by: a table cell's address ignores case (`grades.Q1.Good`), a statistic's does not."""
    return name.lower() if "." in name else name


@dataclass(frozen=True)
class Definition:
    """How one statistic is worked out: a count as given, or an operation on other statistics."""

    operation: Operation
    operands: tuple[Operand, ...]


@dataclass(frozen=True)
class Value:
    """A statistic's computed value and how it was worked out ('39 of 62'), for messages."""

    number: float
    operation: Operation
    workings: str

    @property
    def shown(self) -> str:
        """The value as the report prints it: '46', '1,204', '62.9%'."""
        if self.operation in ("percent", "change"):
            return f"{self.number:.1f}%"
        return format_count(self.number)

    def explained(self, name: str) -> str:
        """How the value was worked out: '39 of 62 is 62.9%', '66 to 83 is a 25.8% increase'."""
        if self.operation == "change":
            direction = "increase" if self.number >= 0 else "decrease"
            return f"{self.workings} is a {abs(self.number):.1f}% {direction}"
        if self.operation == "count" or (self.operation == "sum" and " + " not in self.workings):
            return f"{name} is {self.shown}"
        return f"{self.workings} is {self.shown}"


def format_count(number: float) -> str:
    """A count in house style: numerals with thousands separators, one decimal place when not whole."""
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,.1f}"


class StatisticError(ValueError):
    """A statistic cannot be worked out: an unknown name, a loop, or a division by zero."""


class Statistics:
    """A report's statistics by name, each worked out once, on first use."""

    def __init__(self, definitions: Mapping[str, Definition]) -> None:
        self.definitions = dict(definitions)
        self._values: dict[str, Value] = {}

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and canonical(name) in self.definitions

    def value(self, name: str) -> Value:
        """The statistic called `name`; StatisticError when it cannot be worked out."""
        return self._value(canonical(name), ())

    def _value(self, name: str, chain: tuple[str, ...]) -> Value:
        name = canonical(name)
        if name in self._values:
            return self._values[name]
        if name not in self.definitions:
            raise StatisticError(f"{name!r} is not a defined statistic")
        if name in chain:
            loop = " -> ".join(chain[chain.index(name):] + (name,))
            raise StatisticError(f"the statistic {name!r} depends on itself ({loop})")
        definition = self.definitions[name]
        if definition.operation == "same":
            value = self._value(str(definition.operands[0]), chain + (name,))
            self._values[name] = value
            return value
        operands = [self._operand(o, chain + (name,)) for o in definition.operands]
        value = compute(definition.operation, operands)
        self._values[name] = value
        return value

    def _operand(self, operand: Operand, chain: tuple[str, ...]) -> float:
        if isinstance(operand, str):
            return self._value(operand, chain).number
        return float(operand)


def compute(operation: Operation, operands: Sequence[float]) -> Value:
    """One statistic from its operands' numbers."""
    shown = [format_count(n) for n in operands]
    if operation == "count":
        return Value(operands[0], "count", shown[0])
    if operation == "sum":
        return Value(sum(operands), "sum", " + ".join(shown))
    part, whole = operands
    if operation == "percent":
        if whole == 0:
            raise StatisticError("a percentage of 0 cannot be worked out")
        return Value(100.0 * part / whole, "percent", f"{shown[0]} of {shown[1]}")
    if part == 0:
        raise StatisticError("a percentage change from 0 cannot be worked out")
    return Value(100.0 * (whole - part) / part, "change", f"{shown[0]} to {shown[1]}")


_PUBLISHED_NUMBER = re.compile(r"[-\u2212]?\d[\d,]*(?:\.\d+)?")


def published_number(text: str) -> tuple[float, int] | None:
    """The number a published figure states ('61.2 %' -> (61.2, 1)) and its decimal places."""
    m = _PUBLISHED_NUMBER.search(text)
    if m is None:
        return None
    digits = m.group().replace(",", "").replace("\u2212", "-")
    places = len(digits.partition(".")[2])
    return float(digits), places


def agrees(value: Value, published: str) -> bool:
    """Whether a figure as published matches the computed value, at the precision it was published to.

    A published figure without a number ('six') is not compared.
    """
    stated = published_number(published)
    if stated is None:
        return True
    number, places = stated
    return round(value.number, places) == round(number, places)

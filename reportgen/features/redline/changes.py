"""What changed between two versions of a report, in the users' terms, found by walking the two content models.

One mechanism for every kind: lists are aligned (difflib, then alike items paired), items are named
from the model's own structure — a list field's singular ('recommendations' -> 'Recommendation 4'),
a titled node's title ('section 'Multi Agency Audits June 2019''), the nearest titled ancestor as
context ('paragraph 3 of Background') — and an item that left one place and appeared in another is a
move ('a strength moved to areas for development').
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import types
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin

from reportgen.lib.alignment import pair, word_similarity
from reportgen.model.common import Node, ShorthandNode, long_date, month_year
from reportgen.model.inline import plain

TITLE_FIELDS = ("title", "heading", "theme", "name")
"""A node whose model has one of these text fields is known by it: "section 'Background'"."""
REWORDED = 0.5
"""Two texts at least this alike (word-level ratio) are one item reworded, not one removed and one added."""
MOVED = 0.8
"""A removed and an added item at least this alike are one item moved."""
_PREPOSITIONS = {"for", "of", "in", "on", "to", "with", "from", "by"}
_IRREGULAR = {"appendices": "appendix", "indices": "index", "criteria": "criterion", "matrices": "matrix",
              "analyses": "analysis", "data": "data", "people": "person"}
SHORT = 8
"""A text of at most this many words (a name, an owner, a committee) is shown old and new, not 'reworded'."""


@dataclass(frozen=True)
class Step:
    """One step down the model: a field, or an item of a list."""

    key: str | int
    label: str
    title: str = ""
    hidden: bool = False  # a list field whose items already say what they are ('Recommendation 4')
    noun: str = ""  # what a titled item is: 'section', 'appendix'
    named_list: bool = False  # one of a node's lists of the same things (strengths / areas): name it


Place = tuple[Step, ...]


@dataclass
class Change:
    """One change: `what` happened to the value at `place` (and `to`, for a move)."""

    what: str  # reworded, formatted, changed, added, removed, renamed, moved
    place: Place
    old: Any = None
    new: Any = None
    to: Place = ()
    reworded: bool = False
    titled: bool = False
    shown: tuple[str, str] | None = None  # the old and new values as the report prints them
    choices: int = 0  # a field with this many fixed choices (purpose, status)


@dataclass
class _Walk:
    changes: list[Change] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    printed: tuple[dict[str, str], dict[str, str]] = ({}, {})
    numbers: dict[int, int] = field(default_factory=dict)
    """Printed numbers of items numbered in one run across sections, by the item's id()."""

    def value(self, old: Any, new: Any, place: Place, owner: str = "", choices: int = 0,
              shown: tuple[str, str] | None = None) -> None:
        if isinstance(old, Node) and isinstance(new, Node) and type(old) is type(new):
            self.node(old, new, place)
        elif isinstance(old, list) and isinstance(new, list):
            self.items(old, new, place, owner)
        elif isinstance(old, dict) and isinstance(new, dict):
            self.mapping(old, new, place, owner)
        elif _key(old) != _key(new):
            if old in ("", None, []) or new in ("", None, []):
                gone = new in ("", None, [])
                self.changes.append(Change("removed" if gone else "added", place, old, new, shown=shown,
                                           choices=choices))
                return
            if isinstance(old, str) and isinstance(new, str) and plain(old) == plain(new):
                self.changes.append(Change("formatted", place, old, new))  # bold or italics only
                return
            words = isinstance(old, (str, Node)) and isinstance(new, (str, Node)) and not choices \
                and not (_short(old) and _short(new))
            self.changes.append(Change("reworded" if words else "changed", place, old, new, shown=shown,
                                       choices=choices))

    def node(self, old: Node, new: Node, place: Place) -> None:
        model = type(new)
        lists = [info.annotation for info in model.model_fields.values()]
        for name, info in model.model_fields.items():
            label = info.alias or name
            if name in TITLE_FIELDS and _title(new) and place:  # the report's own title is a field like others
                if getattr(old, name) != getattr(new, name):
                    self.changes.append(Change("renamed", place, getattr(old, name), getattr(new, name)))
                continue
            if _stands_for(model, name):
                self.value(getattr(old, name), getattr(new, name), place)
                continue
            value = getattr(new, name)
            plural_list = isinstance(value, (list, dict)) and _is_plural(label)
            top = not place
            shown = None
            if top and name in self.printed[0] and name in self.printed[1] and not _choices(info.annotation):
                # as printed ('10/02/2020', 'Y'); a choice keeps the word it is chosen by ('decision')
                quote = _snippet if isinstance(value, str) and not _choices(info.annotation) else str
                shown = tuple(quote(v) if v else "nothing"  # type: ignore[assignment]
                              for v in (self.printed[0][name], self.printed[1][name]))
            elif _month_year_field(info):
                shown = tuple(month_year(v) if isinstance(v, _dt.date) else "nothing"  # type: ignore[assignment]
                              for v in (getattr(old, name), value))
            step = Step(name, _label(self.labels[name]) if top and name in self.labels else humanise(label),
                        hidden=plural_list,
                        named_list=plural_list and lists.count(info.annotation) > 1)
            self.value(getattr(old, name), value, place + (step,), label, _choices(info.annotation), shown)

    def items(self, old: list, new: list, place: Place, owner: str) -> None:
        old_keys, new_keys = [_key(v) for v in old], [_key(v) for v in new]

        def step(items: list, i: int) -> Step:
            number = self.numbers.get(id(items[i]))
            if number is not None:  # numbered in one run across sections: the number the reader sees
                return Step(i, f"{singular(owner)} {number}")
            return _item_step(items[i], i, owner)

        matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    self.value(old[i], new[j], place + (step(new, j),), owner)
                continue
            pairs = pair(old_keys[i1:i2], new_keys[j1:j2], _alike, REWORDED)
            paired_old = {i1 + a for a, _ in pairs}
            paired_new = {j1 + b for _, b in pairs}
            for a, b in pairs:
                self.value(old[i1 + a], new[j1 + b], place + (step(new, j1 + b),), owner)
            for i in range(i1, i2):
                if i not in paired_old:
                    self.changes.append(Change("removed", place + (step(old, i),), old[i],
                                               titled=bool(_title(old[i]))))
            for j in range(j1, j2):
                if j not in paired_new:
                    self.changes.append(Change("added", place + (step(new, j),), new=new[j],
                                               titled=bool(_title(new[j]))))

    def mapping(self, old: dict, new: dict, place: Place, owner: str) -> None:
        noun = singular(owner)
        for key in list(old) + [k for k in new if k not in old]:
            here = place + (Step(key, f"{humanise(str(key))} ({noun})"),)  # words, not a YAML key
            if key not in new:
                self.changes.append(Change("removed", here, old[key]))
            elif key not in old:
                self.changes.append(Change("added", here, new=new[key]))
            else:
                self.value(old[key], new[key], here, owner)


def describe_changes(old: Node, new: Node, labels: dict[str, str] | None = None,
                     printed: tuple[dict[str, str], dict[str, str]] | None = None) -> list[str]:
    """Each change from `old` to `new` as a sentence in the report's own words: 'Recommendation 4 reworded'.

    `labels` are the report's fields as its template labels them ('Report of'); `printed`, OLD's
    and NEW's field values as the report prints them ('August 2019', 'Y'), by field name.
    """
    walk = _Walk(labels=labels or {}, printed=printed or ({}, {}))
    for report in (old, new):
        walk.numbers.update(_printed_numbers(report))
    walk.value(old, new, ())
    return [_sentence(c) for c in _moves(walk.changes)]


def _printed_numbers(node: Any) -> dict[int, int]:
    """id() of each item numbered in one run across sections (a model's `numbered_across`) -> its number."""
    out: dict[int, int] = {}
    if isinstance(node, Node):
        for name in type(node).model_fields:
            out.update(_printed_numbers(getattr(node, name)))
    elif isinstance(node, list):
        numbered = [getattr(type(item), "numbered_across", None) for item in node if isinstance(item, Node)]
        if numbered and numbered[0] and all(n == numbered[0] for n in numbered):
            count = 0
            for item in node:
                for inner in getattr(item, numbered[0]):
                    count += 1
                    out[id(inner)] = count
        for item in node:
            out.update(_printed_numbers(item))
    return out


def _choices(annotation: Any) -> int:
    """How many fixed choices a field offers (a Literal, maybe optional): 0 for free values."""
    if get_origin(annotation) is Literal:
        return len(get_args(annotation))
    if get_origin(annotation) in (Union, types.UnionType):
        return sum(_choices(a) for a in get_args(annotation) if a is not type(None))
    return 0


def _month_year_field(info: Any) -> bool:
    """A date field written and printed as a month and year ('August 2019')."""
    from reportgen.model.common import _month_year

    return any(getattr(m, "func", None) is _month_year for m in getattr(info, "metadata", []))


def _label(label: str) -> str:
    """A template's label as a name in a sentence: a question is quoted whole."""
    return f"\u201c{label}\u201d" if label.endswith("?") else label


def _short(value: Any) -> bool:
    return isinstance(value, str) and "\n" not in value and len(value.split()) <= SHORT


# -- naming things --------------------------------------------------------------------------------

def humanise(name: str) -> str:
    """'areas_for_development' -> 'areas for development'."""
    return name.replace("_", " ").strip()


def singular(name: str) -> str:
    """'recommendations' -> 'recommendation', 'areas_for_development' -> 'area for development'."""
    words = humanise(name).split()
    if not words:
        return "item"
    head = next((k - 1 for k, w in enumerate(words) if w in _PREPOSITIONS and k), len(words) - 1)
    words[head] = _singular_word(words[head])
    return " ".join(words)


def _singular_word(word: str) -> str:
    if word.lower() in _IRREGULAR:
        return _IRREGULAR[word.lower()]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _is_plural(name: str) -> bool:
    return singular(name) != humanise(name)


def _title(value: Any) -> str:
    if isinstance(value, Node):
        for name in TITLE_FIELDS:
            if name in type(value).model_fields and isinstance(getattr(value, name), str):
                return getattr(value, name)
    return ""


def _stands_for(model: type[Node], name: str) -> bool:
    """The field that a node written as a bare string fills: a paragraph's text is the paragraph."""
    return issubclass(model, ShorthandNode) and name == next(iter(model.model_fields))


def _item_step(item: Any, index: int, owner: str) -> Step:
    noun = singular(owner) if _is_plural(owner) else _class_noun(item)
    title = _title(item)
    if title:
        return Step(index, f"{noun} {_quoted(title)}", title, noun=noun)
    return Step(index, f"{noun} {index + 1}", noun=noun)


def _class_noun(item: Any) -> str:
    if isinstance(item, Node):
        return re.sub(r"(?<!^)(?=[A-Z])", " ", type(item).__name__).lower()
    return "paragraph" if isinstance(item, str) else "item"


def _quoted(title: str) -> str:
    title = plain(title)  # as printed: '21st June', not '21^st^ June'
    return f"'{title}'" if " " in title.strip() else title


def _key(value: Any) -> Any:
    """What identifies a list item when aligning: a titled node's title, otherwise all its words."""
    title = _title(value)
    if title:
        return ("titled", title, " ".join(_texts(value)))
    if isinstance(value, Node):
        return " ".join(_texts(value))
    if isinstance(value, (list, dict)):
        return repr(value)
    return value


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Node):
        return [t for name in type(value).model_fields for t in _texts(getattr(value, name))]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return []


def _alike(a: Any, b: Any) -> float:
    if isinstance(a, tuple) or isinstance(b, tuple):  # titled nodes: alike by title, or by what they say
        if isinstance(a, tuple) and isinstance(b, tuple):
            return max(difflib.SequenceMatcher(None, a[1], b[1]).ratio(), word_similarity(a[2], b[2], REWORDED))
        return 0.0
    if isinstance(a, str) and isinstance(b, str):
        return word_similarity(a, b, REWORDED)
    return 1.0 if a == b else 0.0


# -- moves and sentences --------------------------------------------------------------------------

def _moves(changes: list[Change]) -> list[Change]:
    """A removed item and an added one that are (almost) the same are one item moved."""
    removed = [c for c in changes if c.what == "removed"]
    added = [c for c in changes if c.what == "added"]
    used: set[int] = set()
    out: list[Change] = []
    moved_from: dict[int, Change] = {}
    for gone in removed:
        for k, came in enumerate(added):
            if k in used:
                continue
            likeness = _alike(_key(gone.old), _key(came.new))
            if likeness >= MOVED:
                used.add(k)
                moved_from[id(gone)] = Change("moved", gone.place, gone.old, came.new, came.place,
                                              reworded=likeness < 1.0, titled=gone.titled)
                break
    for c in changes:
        if c.what == "removed" and id(c) in moved_from:
            out.append(moved_from[id(c)])
        elif c.what == "added" and any(c is added[k] for k in used):
            continue
        else:
            out.append(c)
    return out


def where(place: Place) -> str:
    """'paragraph 3 of Background': the step itself, then its context up to the nearest titled one."""
    visible = [s for s in place if not s.hidden]
    if not visible:
        return "the report"
    words = [visible[-1].label]
    outer = ""
    for k in range(len(visible) - 2, -1, -1):
        step = visible[k]
        words.append(_quoted(step.title) + _which_list(place, step) if step.title else step.label)
        if step.title:
            # and the titled thing that holds it, if any: 'point 4 of Assessment in 'Audits 2018''
            outer = next((f" in {_quoted(s.title)}" for s in reversed(visible[:k]) if s.title), "")
            break
    return " of ".join(words) + outer


def _which_list(place: Place, step: Step) -> str:
    """' (strengths)' for a theme among a node's strengths, when it also has areas for development."""
    at = place.index(step)
    if at and place[at - 1].hidden and place[at - 1].named_list:
        return f" ({place[at - 1].label})"
    return ""


def _context(place: Place) -> str:
    return where(place[:-1]) if [s for s in place[:-1] if not s.hidden] else ""


def _snippet(value: Any) -> str:
    # as printed: markup gone, a table's 5 not 5.0
    texts = [plain(t) for t in _texts(value)] if not isinstance(value, (int, float)) else [_shown(value)]
    text = " ".join(" ".join(texts).split())
    return f"'{text}'" if len(text) <= 60 else f"'{text[:57]}...'"


def _sentence(c: Change) -> str:
    old, new = c.shown if c.shown is not None else (_shown(c.old, c.choices), _shown(c.new, c.choices))
    if c.what == "reworded":
        text = f"{_field_place(c.place)} reworded"
    elif c.what == "formatted":
        text = f"{_field_place(c.place)}: formatting changed (bold, italics), the words are the same"
    elif c.what == "changed":
        # of a few fixed choices, two: the new one says it all ('purpose changed to decision')
        text = f"{_field_place(c.place)} changed " + (f"to {new}" if c.choices == 2 else f"from {old} to {new}")
    elif c.what == "renamed":
        last = c.place[-1] if c.place else Step("", "the report")
        noun = f"{last.noun} " if last.noun else ""
        before = c.place[:-1] + (Step(last.key, f"{noun}{_quoted(c.old)}", c.old),)
        text = f"{where(before)} renamed to {_quoted(c.new)}" \
            if c.place else f"renamed from {_quoted(c.old)} to {_quoted(c.new)}"
    elif c.what in ("added", "removed"):
        value = c.new if c.what == "added" else c.old
        if c.titled:
            context = _context(c.place)
            text = f"{c.place[-1].label} {c.what}" + (f" {'to' if c.what == 'added' else 'from'} {context}"
                                                       if context else "")
        elif c.shown is not None or c.choices or isinstance(value, (bool, int, float, _dt.date)):
            text = f"{_field_place(c.place)} {'set to ' + new if c.what == 'added' else 'removed (was ' + old + ')'}"
        else:
            text = f"{where(c.place)} {c.what}: {_snippet(value)}"
    else:
        text = _move_sentence(c)
    return text[:1].upper() + text[1:]


def _field_place(place: Place) -> str:
    """'Recommendation 1 of 'Audits': status' for a field of an item; the field's label alone at the top."""
    visible = [s for s in place if not s.hidden]
    if len(visible) > 1 and isinstance(place[-1].key, str) and not place[-1].hidden:
        return f"{where(place[:-1])}: {place[-1].label}"
    return where(place)


def _move_sentence(c: Change) -> str:
    """Named by where the two places part: 'a strength moved to areas for development'."""
    k = 0
    while k < min(len(c.place), len(c.to)) - 1 and c.place[k].key == c.to[k].key:
        k += 1
    left, right = c.place[k], c.to[k]
    reworded = " and reworded" if c.reworded else ""
    if isinstance(left.key, str) and isinstance(right.key, str):
        text = f"a {singular(str(left.key))} moved to {right.label}"
        context = where(c.place[:k])
        return text + (f" in {context}" if context != "the report" else "") + f"{reworded}: {_snippet(c.new)}"
    if k == len(c.place) - 1:
        return f"{where(c.place)} moved to position {right.key + 1}{reworded}"  # type: ignore[operator]
    return f"{where(c.place)} moved to {right.title and _quoted(right.title) or right.label}{reworded}"


def _shown(value: Any, choices: int = 0) -> str:
    if isinstance(value, _dt.date):
        return long_date(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "" or value == []:
        return "nothing"
    if isinstance(value, str):
        return value if choices else _snippet(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

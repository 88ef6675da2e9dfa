#!/usr/bin/env python3
"""Lists C++ functions longer than a limit (issue 18: none in src/endpoints/ over 80 lines, none
anywhere over 150).

    scripts/function-lengths.py [--max N] [--top K] PATH...

PATH is a file or a folder (searched for *.cc, *.h, *.cpp, *.hpp). A careful brace counter, not a
compiler: comments, string and character literals (raw strings and digit separators included) are
blanked first; then every brace opened at namespace or class scope whose header holds a '(' and is
not a namespace, class, struct, union or enum, nor an initialiser ('= {'), is a function body. A
function's length runs from the line of its header (where its name is) to its closing brace, so
lambdas count towards the function that holds them. Prints "LINES path:line name" for each
function over --max (default 80), longest first, and exits 1 when there is any; --top K prints the
K longest whatever their length.
"""

import argparse
import pathlib
import re
import sys

SUFFIXES = {".cc", ".h", ".cpp", ".hpp"}
SCOPE_WORDS = re.compile(r"\b(namespace|class|struct|union|enum)\b")


def blank_literals(text):
    """The text with comments and literals replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(text)

    def blank(chunk):
        out.append("".join(c if c == "\n" else " " for c in chunk))

    while i < n:
        c = text[i]
        if c == "#" and (i == 0 or text[i - 1] == "\n"):
            j = i
            while True:  # a directive, with its continuation lines
                j = text.find("\n", j)
                if j < 0 or text[j - 1] != "\\":
                    break
                j += 1
            j = n if j < 0 else j
            blank(text[i:j])
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(text[i:j])
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(text[i:j])
            i = j
        elif c == "R" and i + 1 < n and text[i + 1] == '"' and not _ident_char(text, i - 1):
            m = re.match(r'R"([^()\\ ]{0,16})\(', text[i:])
            if m:
                end = text.find(")" + m.group(1) + '"', i + m.end())
                end = n if end < 0 else end + len(m.group(1)) + 2
                blank(text[i:end])
                i = end
            else:
                out.append(c)
                i += 1
        elif c == '"' or (c == "'" and not _digit_separator(text, i)):
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            blank(text[i : j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _ident_char(text, i):
    return i >= 0 and (text[i].isalnum() or text[i] == "_")


def _digit_separator(text, i):
    # 1'000'000: a quote between two digits (hex digits too) of a number.
    return i > 0 and i + 1 < len(text) and text[i - 1].isalnum() and text[i + 1].isalnum() and \
        re.search(r"\b\d[\w']*$", text[max(0, i - 40) : i]) is not None


def functions(text):
    """(name, first line, last line) of every function body at namespace or class scope."""
    code = blank_literals(text)
    # A stack of open braces: "scope" (namespace/class/...), "function" or "other".
    stack = []
    header_start = 0
    found = []
    for i, c in enumerate(code):
        if c in ";":
            if not stack or stack[-1][0] == "scope":
                header_start = i + 1
        elif c == "{":
            inside_function = any(kind != "scope" for kind, _, _ in stack)
            header = code[header_start:i]
            if inside_function:
                stack.append(("other", None, None))
                continue
            head = _strip_template(header.strip())
            if SCOPE_WORDS.search(head.split("(")[0]) or head.startswith("extern"):
                stack.append(("scope", None, None))
                header_start = i + 1
            elif "(" in head and not _assignment(head):
                name = _name(head)
                offset = header_start + (len(header) - len(header.lstrip()))
                name_pos = code.rfind(name.split("::")[-1], header_start, i) if name else offset
                stack.append(("function", name, code.count("\n", 0, max(name_pos, offset)) + 1))
            else:
                stack.append(("other", None, None))
        elif c == "}":
            if not stack:
                continue
            kind, name, first = stack.pop()
            if kind == "function":
                found.append((name, first, code.count("\n", 0, i) + 1))
            if not stack or stack[-1][0] == "scope":
                header_start = i + 1
        elif c == ":" and stack and stack[-1][0] == "scope":
            # access specifiers end a header (public: / private:)
            if re.search(r"\b(public|private|protected)\s*$", code[header_start:i]):
                header_start = i + 1
    return found


def _strip_template(head):
    """The header without a leading template <...> (whose 'class' is no class)."""
    if not head.startswith("template"):
        return head
    depth = 0
    for j, ch in enumerate(head):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
            if depth == 0:
                return head[j + 1 :].strip()
    return head


def _assignment(head):
    """True for an initialiser: '=' outside parentheses (not operator=, ==, <=, >=, !=)."""
    depth = 0
    for j, ch in enumerate(head):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "=" and depth == 0:
            prev = head[j - 1] if j > 0 else ""
            nxt = head[j + 1] if j + 1 < len(head) else ""
            if prev in "=<>!" or nxt == "=" or head[:j].rstrip().endswith("operator"):
                continue
            return True
    return False


def _name(header):
    before = header.split("(")[0]
    if "operator" in header:
        m = re.search(r"([\w:~]*operator\s*\S+?)\s*\(", header)
        if m:
            return m.group(1)
    m = re.search(r"([\w:~<>]+)\s*$", before)
    return m.group(1) if m else "?"


def sources(paths):
    for p in paths:
        path = pathlib.Path(p)
        if path.is_dir():
            yield from sorted(f for f in path.rglob("*") if f.suffix in SUFFIXES)
        else:
            yield path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max", type=int, default=80)
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    rows = []
    for f in sources(args.paths):
        for name, first, last in functions(f.read_text(errors="replace")):
            rows.append((last - first + 1, f"{f}:{first}", name))
    rows.sort(key=lambda r: -r[0])
    over = [r for r in rows if r[0] > args.max]
    shown = rows[: args.top] if args.top else over
    for lines, where, name in shown:
        print(f"{lines:5d} {where} {name}")
    if over:
        print(f"{len(over)} function(s) over {args.max} lines", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Lengths of the crate's functions, for keeping them short.

Usage: python3 .ci/function-lengths.py [SRC] [N]

Counts the lines of each function from its `fn` line to its closing brace
(doc comments not counted), outside tests (`#[cfg(test)]` modules and
`tests.rs` files), then prints how many functions there are, the median
length, how many are over 50 lines, and the N longest (default 10), and the
N largest source files by lines.
"""
import re, sys, os
rows = []
for root, _, files in os.walk(sys.argv[1] if len(sys.argv) > 1 else "src"):
    for f in files:
        if not f.endswith(".rs") or f == "tests.rs": continue
        p = os.path.join(root, f)
        lines = open(p).read().split("\n")
        # stop at the test module
        end = next((i for i, l in enumerate(lines) if l.startswith("#[cfg(test)]")), len(lines))
        i = 0
        while i < end:
            m = re.match(r"^(\s*)(pub(\([a-z]+\))? )?(async )?(const )?(unsafe )?fn (\w+)", lines[i])
            if m:
                indent = m.group(1)
                j = i
                # find the line with the opening brace then its closing at same indent
                while j < end and not lines[j].rstrip().endswith("{") and not lines[j].rstrip().endswith(";"):
                    j += 1
                if j < end and lines[j].rstrip().endswith(";"):
                    i = j + 1; continue
                k = j + 1
                while k < end and not (lines[k].startswith(indent + "}") and len(lines[k].rstrip()) == len(indent) + 1):
                    k += 1
                rows.append((k - i + 1, f"{p}:{i+1} {m.group(7)}"))
                i = i + 1
                continue
            i += 1
rows.sort(reverse=True)
lens = sorted(r[0] for r in rows)
print(f"functions: {len(rows)}, median {lens[len(lens)//2]} lines, over 50: {sum(1 for l in lens if l > 50)}")
for n, where in rows[:int(sys.argv[2]) if len(sys.argv) > 2 else 10]:
    print(f"{n:5} {where}")

files = []
for root, _, names in os.walk(sys.argv[1] if len(sys.argv) > 1 else "src"):
    for f in names:
        if f.endswith(".rs"):
            p = os.path.join(root, f)
            files.append((sum(1 for _ in open(p)), p))
files.sort(reverse=True)
print("largest files:")
for n, p in files[:int(sys.argv[2]) if len(sys.argv) > 2 else 10]:
    print(f"{n:5} {p}")

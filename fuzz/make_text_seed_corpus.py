#!/usr/bin/env python3
"""Writes every text module of the .wast files in <spec-dir> into <out-dir>
as a .wat file (top-level modules and those inside assertions; `module
binary` and `module quote` apart), as the seed corpus of fuzz_text.
Usage: make_text_seed_corpus.py <spec-dir> <out-dir>"""
import os
import sys


def sexprs(src):
    """Start and end offsets of each top-level S-expression, skipping
    strings and both kinds of comments."""
    i, depth, start, n = 0, 0, 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith(b';;', i):
            j = src.find(b'\n', i)
            i = n if j < 0 else j
            continue
        if src.startswith(b'(;', i):
            nest, i = 1, i + 2
            while i < n and nest:
                if src.startswith(b'(;', i):
                    nest, i = nest + 1, i + 2
                elif src.startswith(b';)', i):
                    nest, i = nest - 1, i + 2
                else:
                    i += 1
            continue
        if c == ord('"'):
            i += 1
            while i < n and src[i] != ord('"'):
                i += 2 if src[i] == ord('\\') else 1
        elif c == ord('('):
            if depth == 0:
                start = i
            depth += 1
        elif c == ord(')'):
            depth -= 1
            if depth == 0:
                yield start, i + 1
        i += 1


def main():
    spec, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    count = 0
    for name in sorted(os.listdir(spec)):
        if not name.endswith('.wast'):
            continue
        src = open(os.path.join(spec, name), 'rb').read()
        for start, end in sexprs(src):
            expr = src[start:end]
            if not expr.startswith(b'(module'):
                inner = [(s, e) for s, e in sexprs(expr[1:-1]) if expr[1 + s:].startswith(b'(module')]
                if not inner:
                    continue
                s, e = inner[0]
                expr = expr[1 + s:1 + e]
            head = expr[:80].split()
            if len(head) > 1 and head[1] in (b'binary', b'quote') or len(head) > 2 and head[2] in (b'binary', b'quote'):
                continue
            with open(os.path.join(out, '%s.%d.wat' % (name[:-5], count)), 'wb') as f:
                f.write(expr)
            count += 1
    print('%d seed modules in %s' % (count, out))


main()

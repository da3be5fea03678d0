#!/usr/bin/env python3
"""Is this the comments benchmark's page? (bench/comments-read.sh; the same check for Masthead and WordPress.)

  check-comment-page.py PAGE.html COMMENTS.tsv TITLE PER_PAGE

COMMENTS.tsv holds the post's approved comments, one per line: id, parent id (0 for none), text. The page must carry
the title, show only those comments (found by their id="comment-N" anchors, as both engines mark them), show
PER_PAGE top-level comments (0: all of them), show each of those threads whole, and show the first shown comment's
text. Prints "top-level<TAB>comments<TAB>bytes" and exits 0, or prints what is wrong and exits 1.
"""
import html
import re
import sys

page_file, comments_file, title, per_page = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
page = open(page_file, encoding="utf-8", errors="replace").read()
parent, text = {}, {}
for line in open(comments_file, encoding="utf-8"):
    parts = line.rstrip("\n").split("\t", 2)
    if len(parts) == 3 and parts[0].isdigit():
        parent[int(parts[0])] = int(parts[1] or 0)
        text[int(parts[0])] = parts[2]


def fail(why):
    print(why)
    sys.exit(1)


def root(i):
    seen = 0
    while parent.get(i, 0) in parent and seen < 100:
        i, seen = parent[i], seen + 1
    return i


if not parent:
    fail("no approved comments listed for the post")
if title not in html.unescape(page):
    fail(f"no title '{title}' on the page")
shown = []
for m in re.finditer(r'\bid="comment-(\d+)"', page):
    if int(m.group(1)) not in shown:
        shown.append(int(m.group(1)))
if not shown:
    fail("no comment on the page")
strangers = [i for i in shown if i not in parent]
if strangers:
    fail(f"{len(strangers)} comments on the page are not the post's approved ones (e.g. {strangers[0]})")
tops = [i for i in shown if root(i) == i]
all_tops = {i for i in parent if root(i) == i}
want_tops = len(all_tops) if per_page == 0 else min(per_page, len(all_tops))
if len(tops) != want_tops:
    fail(f"{len(tops)} top-level comments on the page (of {len(all_tops)}), not {want_tops}; {len(shown)} comments in all")
whole = sum(1 for i in parent if root(i) in set(tops))
if len(shown) != whole:
    fail(f"{len(shown)} comments on the page, but its {len(tops)} threads hold {whole}")
first = text[shown[0]].split(". ")[0] + "."
if first not in html.unescape(page):
    fail(f"the text of comment {shown[0]} ('{first}') is not on the page")
print(f"{len(tops)}\t{len(shown)}\t{len(page.encode('utf-8'))}")

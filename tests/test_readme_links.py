"""README.md is the front door: every relative link and picture in it points at a file of the checkout."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def relative_links(text: str) -> list[str]:
    targets = [match.group(1) for match in LINK.finditer(text)]
    return [target for target in targets if not urlsplit(target).scheme and not target.startswith("#")]


def test_readme_links_point_at_files_of_the_checkout():
    links = relative_links(README.read_text(encoding="utf-8"))
    assert links, "README.md should link into docs/"
    missing = [link for link in links if not (ROOT / unquote(urlsplit(link).path)).exists()]
    assert not missing, f"README.md links to files that do not exist: {missing}"


def test_readme_links_to_an_anchor_that_the_page_has():
    for link in relative_links(README.read_text(encoding="utf-8")):
        path, _, anchor = link.partition("#")
        if not anchor or not path.endswith(".md"):
            continue
        headings = [
            line.lstrip("#").strip()
            for line in (ROOT / path).read_text(encoding="utf-8").splitlines()
            if line.startswith("#")
        ]
        slugs = {
            re.sub(r"[\s]+", "-", re.sub(r"[^\w\s-]", "", heading.lower())).strip("-") for heading in headings
        }
        assert anchor in slugs, f"README.md links to {link}, but {path} has no heading with that anchor"


def test_readme_stays_short():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= 250, f"README.md has {lines} lines; move detail into docs/ (at most 250)"

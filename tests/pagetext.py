"""The content of a report page for comparing two renders of the same source: the text of
its <main> and its structure (for tests of the live preview against a full render)."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"img", "br", "hr", "meta", "link", "input", "source", "wbr"}


class _Main(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.text: list[str] = []
        self.tags: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main" or self.depth:
            a = dict(attrs)
            self.tags.append((tag, a.get("id") or "", a.get("href") or ""))
            if tag not in VOID:
                self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def main_content(page: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The text of the page's <main> (whitespace normalised) and every element in it with
    its id and link target, in order. Image sources are left out: the preview serves the
    figures, the build embeds them."""
    parser = _Main()
    parser.feed(page)
    return " ".join(" ".join(parser.text).split()), parser.tags

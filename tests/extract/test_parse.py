"""The parse step cuts out scripts, styles, SVG and comments before building the tree, and nothing else."""

from __future__ import annotations

from etl.extract.parse import parse_html, without_unread_markup


def test_scripts_styles_svg_and_comments_are_cut() -> None:
    html = (
        '<p>a</p><script src="x.js"></script><SCRIPT type="text/javascript">if (a < b) { go("</div>"); }</SCRIPT>'
        "<style>p { color: red }</style><svg viewBox='0 0 1 1'><path d='M0'/><title>icon</title></svg>"
        "<!-- a comment with <p>markup</p> --><p>b</p>"
    )
    assert without_unread_markup(html) == "<p>a</p><p>b</p>"


def test_json_ld_is_kept_for_the_metadata() -> None:
    html = '<script type="application/ld+json">{"headline": "Kept"}</script><script>dropped()</script>'
    assert without_unread_markup(html) == '<script type="application/ld+json">{"headline": "Kept"}</script>'


def test_a_script_ends_at_its_first_closing_tag_as_in_the_html_tokenizer() -> None:
    html = '<script>document.write("<script></script>")</script><p>after</p>'
    assert without_unread_markup(html) == '")</script><p>after</p>'


def test_look_alike_elements_and_unclosed_markup_are_left_alone() -> None:
    html = "<scripted-widget>text</scripted-widget><styled>x</styled><p>open <!-- never closed"
    assert without_unread_markup(html) == html


def test_parse_html_builds_the_tree_without_them() -> None:
    soup = parse_html("<html><head><script>x()</script></head><body><p>Text</p><!-- c --></body></html>")
    assert soup.find("script") is None
    assert soup.body.get_text() == "Text"

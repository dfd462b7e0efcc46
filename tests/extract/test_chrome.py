"""Which elements are never text, and which are chrome: by tag, role, visibility, class or id."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag

from etl.extract.chrome import is_chrome, is_heading_anchor, is_hidden, is_never_text


def element(markup: str) -> Tag:
    tag = BeautifulSoup(markup, "lxml").find(lambda found: found.name not in ("html", "head", "body"))
    assert isinstance(tag, Tag)
    return tag


@pytest.mark.parametrize(
    ("markup", "never"),
    [
        ("<script>var a = 1;</script>", True),
        ("<style>p {}</style>", True),
        ("<svg><text>label</text></svg>", True),
        ("<figcaption>A photo</figcaption>", True),
        ("<nav>menu</nav>", False),
        ("<div hidden>x</div>", False),
        ("<p>text</p>", False),
    ],
)
def test_is_never_text(markup: str, never: bool) -> None:
    assert is_never_text(element(markup)) is never


@pytest.mark.parametrize(
    ("markup", "hidden"),
    [
        ("<div hidden>x</div>", True),
        ('<div aria-hidden="true">x</div>', True),
        ('<div style="color: red; display:none">x</div>', True),
        ('<div style="visibility: hidden">x</div>', True),
        ('<div style="display: block">x</div>', False),
    ],
)
def test_is_hidden(markup: str, hidden: bool) -> None:
    assert is_hidden(element(markup)) is hidden


@pytest.mark.parametrize(
    ("markup", "chrome"),
    [
        ("<nav>x</nav>", True),
        ("<footer>x</footer>", True),
        ("<form>x</form>", True),
        ('<div role="navigation">x</div>', True),
        ('<figure><img src="a.jpg"><span class="photo">Photo: Agency</span></figure>', True),
        ("<figure><table><tr><td>data</td></tr></table></figure>", False),
        ("<div hidden>x</div>", True),
        ('<div class="share-bar">x</div>', True),
        ('<div id="cookie-consent">x</div>', True),
        ('<section class="related_news">x</section>', True),
        ('<p class="byline">x</p>', True),
        ('<div class="article-body share">x</div>', False),
        ('<div class="shared-values">x</div>', False),
        ('<div class="field--label-hidden">x</div>', False),
        ('<div class="sidebar-layout">x</div>', False),
        ('<section class="inline-and-sidebar-container">x</section>', False),
        ("<div>x</div>", False),
        ('<article class="tag-sports">x</article>', False),
        ('<p class="image-caption-wrap">x</p>', True),
        ('<div class="caption-container">x</div>', True),
        ('<span class="cutline">x</span>', True),
        ('<div class="imagecaption">x</div>', True),
        ('<p class="bildunterschrift">x</p>', True),
        ('<div class="legende">x</div>', True),
        ('<span class="didascalia">x</span>', True),
        ('<div class="article-body has-captions">x</div>', False),
        ('<div class="teilen-leiste">x</div>', True),
        ('<section class="noticias-relacionadas">x</section>', True),
        ('<div class="reklama">x</div>', True),
        ('<div class="with-excerpt" data-nosnippet>x</div>', True),
    ],
)
def test_is_chrome(markup: str, chrome: bool) -> None:
    assert is_chrome(element(markup)) is chrome


@pytest.mark.parametrize(
    ("markup", "chrome"),
    [
        ('<section id="menu-ideas-for-spring-weddings"><h2>Menu ideas for spring weddings</h2></section>', False),
        ('<h2 id="the-most-common-mistakes">The most common mistakes</h2>', False),
        ('<div id="warum-der-autor-schweigt"><h3>Warum der Autor schweigt</h3><p>x</p></div>', False),
        ('<section id="related-posts"><h2>Related posts</h2></section>', True),
        ('<div id="share-this-article"><h3>Share this article</h3></div>', True),
        ('<section id="more-stories-today"><h2>Sign up for our letter</h2></section>', True),
        ('<div id="share-this-story-now">x</div>', True),
        ('<section class="comments" id="menu-ideas-for-spring"><h2>Menu ideas for spring</h2></section>', True),
        ('<h2 id="h-what-is-social-shopping">What is social shopping?</h2>', False),
        ('<h2 id="why-social-shopping-works-2">Why social shopping works</h2>', False),
        ('<h2 id="h-social-sharing">Social sharing</h2>', True),
        ('<div id="h-share-this-story"><h3>This story</h3></div>', True),
        ('<h2 id="box-what-is-social-shopping">What is social shopping?</h2>', True),
    ],
)
def test_an_id_made_of_a_headings_words_is_an_anchor_not_a_name(markup: str, chrome: bool) -> None:
    assert is_chrome(element(markup)) is chrome


def test_is_heading_anchor_needs_four_words_all_in_the_heading() -> None:
    section = element('<section id="menu-ideas"><h2>Menu ideas</h2></section>')
    assert not is_heading_anchor(section, "menu-ideas")
    heading = element("<h2>Social media in 2024: a year of change</h2>")
    assert is_heading_anchor(heading, "social-media-in-2024")
    assert not is_heading_anchor(heading, "social-media-in-2025")


@pytest.mark.parametrize(
    ("markup", "chrome"),
    [
        ('<div class="mb-6 [&_.caption]:block [&_figcaption]:mt-0 md:flex">x</div>', False),
        ('<div class="hover:share-icon lg:sidebar">x</div>', False),
        ('<div class="share-bar md:flex">x</div>', True),
        ('<span class="caption lg:text-sm">x</span>', True),
    ],
)
def test_utility_classes_with_a_variant_name_nothing(markup: str, chrome: bool) -> None:
    assert is_chrome(element(markup)) is chrome


@pytest.mark.parametrize(
    ("markup", "chrome"),
    [
        (
            '<figure class="zitat"><blockquote><p>„Wir wollen die sicherste Radstadt des Landes werden“</p>'
            "</blockquote><figcaption>Anna Beispiel, Bürgermeisterin</figcaption></figure>",
            False,
        ),
        (
            '<figure class="embed"><blockquote><p>Heute eröffnet der neue Radweg am Fluss!</p>— Stadt Lindenau '
            '(<a href="https://example.social/lindenau">@lindenau</a>) <a href="https://example.social/1">12. Mai'
            "</a></blockquote></figure>",
            True,
        ),
        ('<figure><img src="a.jpg"><figcaption>Der neue Radweg am Fluss.</figcaption></figure>', True),
    ],
)
def test_a_figure_quoting_without_links_is_text_an_embedded_post_is_not(markup: str, chrome: bool) -> None:
    assert is_chrome(element(markup)) is chrome

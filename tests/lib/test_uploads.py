"""Finding the links to uploaded pictures in Markdown (meetings/lib/uploads.py), for the exports."""

from meetings.lib.uploads import replace_upload_urls

NAME = "uploads/2026/12/Ab_cD-efGhIjKlMnOpQrStUv.png"


def mark(name: str) -> str:
    return f"<{name}>"


def test_each_link_to_an_upload_is_replaced_wherever_markdown_or_html_puts_it():
    text = f'![a](/media/{NAME}) ![b](/media/{NAME} "title")\n[ref]: /media/{NAME}\n<img src="/media/{NAME}">\n'
    assert replace_upload_urls(text, mark) == (
        f'![a](<{NAME}>) ![b](<{NAME}> "title")\n[ref]: <{NAME}>\n<img src="<{NAME}>">\n'
    )


def test_links_that_only_look_like_uploads_are_left_alone():
    text = (
        f"![elsewhere](https://example.org/media/{NAME})\n"
        f"[a page](/media/{NAME}.html) [a folder](/static/media/{NAME})\n"
        "![svg](/media/uploads/2026/12/picture.svg) [other](/media/other/2026/12/x.png)\n"
    )
    assert replace_upload_urls(text, mark) == text


def test_a_text_without_uploads_comes_back_byte_for_byte():
    text = "# Minutes\r\n\r\n- a\u00a0line\n\n![x](https://example.org/x.png)\n"
    assert replace_upload_urls(text, mark) == text

"""Reading a rendered report's HTML tables back, for the section tests."""

from __future__ import annotations

import html
import re


def html_rows(page: str, table_id: str) -> list[list[str]]:
    """The body rows of the table with this id, each cell as plain text."""
    block = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = block.split("<tbody>", 1)[1]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]

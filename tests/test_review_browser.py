"""The review app end to end in real headless Chromium: the real server (`c177 review` in a
subprocess) on a real store; matrix -> cell -> provision, a keyboard correction, the matrix
changing, and the correction surviving a restart. Hostile law text must stay inert."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from review_store import CHROMIUM, PDF_TAGS, build_store, review_server

from scripts.screenshot_review import CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def cell_coverage(page: object, jurisdiction: str, topic: str) -> str:
    cell = page.locator(f'td[data-jurisdiction="{jurisdiction}"][data-topic="{topic}"]')
    return cell.get_attribute("data-coverage")


def test_correct_a_provision_with_the_keyboard_and_keep_it(browser, tmp_path: Path) -> None:
    db, ids = build_store(tmp_path / "store")
    assert PDF_TAGS["s. 3"][0] == "general"
    dialogs: list[str] = []
    with review_server(db) as base:
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(base + "/")
        assert cell_coverage(page, "Testland", "remuneration") == "via_scope"

        page.click('td[data-jurisdiction="Testland"][data-topic="remuneration"] a')
        page.wait_for_url("**/cell?**")
        assert page.locator("#cell-coverage").inner_text() == "via_scope"
        page.click('a.provision-link:text-is("s. 3")')
        page.wait_for_url(f"**/provisions/{ids['homework_act.pdf', 's. 3']}?**")

        # The source page is rendered beside the text.
        image = page.locator("aside.source img").first
        image.wait_for()
        page.wait_for_function("() => document.querySelector('aside.source img').naturalWidth > 0")
        assert page.locator("#reviewer").input_value() == "e2e"

        # Keyboard: 1 = explicit, t d = toggle equal_treatment, e = note, Esc, s = save.
        page.keyboard.press("1")
        page.keyboard.press("t")
        page.keyboard.press("d")
        assert page.locator('input[name="status"][value="explicit"]').is_checked()
        assert page.locator('input[name="topics"][value="equal_treatment"]').is_checked()
        page.keyboard.press("e")
        page.keyboard.type("Part II is the homework part")
        page.keyboard.press("Escape")
        with page.expect_navigation():
            page.keyboard.press("s")
        assert "Saved your review of s. 3" in page.locator(".flash").inner_text()

        page.keyboard.press("m")
        page.wait_for_url(base + "/")
        assert cell_coverage(page, "Testland", "remuneration") == "explicit"
        assert cell_coverage(page, "Testland", "equal_treatment") == "explicit"

    # A new server process over the same database still has the correction.
    with review_server(db) as base:
        page = browser.new_page()
        page.goto(base + "/")
        assert cell_coverage(page, "Testland", "remuneration") == "explicit"
        page.goto(f"{base}/provisions/{ids['homework_act.pdf', 's. 3']}")
        history = page.locator("#history").inner_text()
        assert "e2e" in history and "Part II is the homework part" in history
        assert page.locator('input[name="status"][value="explicit"]').is_checked()
    assert dialogs == []


def test_hostile_provision_text_stays_inert(browser, tmp_path: Path) -> None:
    db, ids = build_store(tmp_path / "store")
    dialogs: list[str] = []
    with review_server(db) as base:
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for url in (
            f"/provisions/{ids['workers_act.txt', 's. 1']}",
            "/provisions?q=complain",
            "/cell?jurisdiction=Hostilia&topic=remedies",
        ):
            page.goto(base + url)
            page.wait_for_load_state("load")
            assert page.evaluate("() => window.__pwned") is None
            assert page.locator("main script, main img[onerror]").count() == 0
        page.goto(f"{base}/provisions/{ids['workers_act.txt', 's. 1']}")
        text = page.locator("#provision-text").inner_text()
        assert '<script>window.__pwned = 1; alert("xss")</script>' in text  # shown as text
        # Accept with the keyboard, then j/k move through the queue.
        with page.expect_navigation():
            page.keyboard.press("a")
        assert "Saved your review" in page.locator(".flash").inner_text()
        with page.expect_navigation():
            page.keyboard.press("k")
        assert page.url.startswith(f"{base}/provisions/{ids['workers_act.txt', 's. 1']}?")
        page.wait_for_timeout(300)  # let any injected handler fire, if one existed
    assert dialogs == []


def test_correcting_a_decisive_provision_changes_the_row(browser, tmp_path: Path) -> None:
    """The inclusion listed under the jurisdiction, turned `general` by a reviewer: the law no
    longer brings homeworkers in, and its via_scope cells fall to general_only at once."""
    db, ids = build_store(tmp_path / "store")
    with review_server(db) as base:
        page = browser.new_page()
        page.goto(base + "/")
        assert cell_coverage(page, "Testland", "remuneration") == "via_scope"
        page.click('th[scope="row"] a.decisive-includes:has-text("s. 2")')
        page.wait_for_url(f"**/provisions/{ids['homework_act.pdf', 's. 2']}?**")
        assert page.locator("#decisive").inner_text().startswith("decisive: includes")
        page.keyboard.press("3")  # general
        with page.expect_navigation():
            page.keyboard.press("s")
        page.keyboard.press("m")
        page.wait_for_url(base + "/")
        assert cell_coverage(page, "Testland", "remuneration") == "general_only"
        assert page.locator('th[scope="row"] a.decisive').count() == 0
